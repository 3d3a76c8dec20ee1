#include "images.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "../output/json.hpp"
#include "../output/table.hpp"
#include "photoagent/workflows/photos.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/workflows/categories.hpp"
#include "photoagent/workflows/projects.hpp"

namespace photoagent::cli {
using nlohmann::json;

namespace {

json to_json(Context& ctx, const store::Image& i) {
  return {{"id", i.id},
          {"project", i.project},
          {"file", i.original_name},
          {"path", (ctx.db().data_dir() / i.path).string()},
          {"sha256", i.sha256},
          {"bytes", i.bytes},
          {"width", i.width},
          {"height", i.height},
          {"category", i.category.empty() ? json(nullptr) : json(i.category)},
          {"caption", i.caption},
          {"tags", util::split(i.tags, ',')},
          {"source", i.source},
          {"created_at", i.created_at}};
}

}  // namespace

int run_project_images(Context& ctx, const ImagesOptions& o) {
  auto p = workflows::resolve_project(ctx.db(), ctx.config(), o.project);
  auto images = workflows::list_images(ctx.db(), p, o.source);
  if (ctx.global.json) {
    json arr = json::array();
    for (const auto& i : images) arr.push_back(to_json(ctx, i));
    print_json(ctx.io, arr);
    return 0;
  }
  if (images.empty()) {
    if (ctx.global.quiet) return 0;
    if (o.source == "generated") ctx.io.err << p.name << " has no generated images yet\n";
    else ctx.io.err << p.name << " has no images yet: photoagent upload " << p.name << " PATH...\n";
    return 0;
  }
  Table t({"id", "file", "size", "category", "tags", "caption"});
  for (const auto& i : images)
    t.add({std::to_string(i.id), i.original_name, std::to_string(i.width) + "x" + std::to_string(i.height),
           i.category, i.tags, i.caption});
  t.print(ctx.io);
  return 0;
}

int run_image_edit(Context& ctx, const ImageEditOptions& o) {
  auto updated = workflows::edit_image(ctx.db(), ctx.config(), o.id, {o.caption, o.category, o.tags});
  if (ctx.global.json) print_json(ctx.io, to_json(ctx, updated));
  else if (!ctx.global.quiet) ctx.io.err << "Updated image " << o.id << ".\n";
  return 0;
}

int run_image_rm(Context& ctx, const ImageRmOptions& o) {
  auto img = workflows::remove_image(ctx.db(), o.id);
  if (ctx.global.json) print_json(ctx.io, {{"removed", o.id}, {"project", img.project}});
  else if (!ctx.global.quiet) ctx.io.err << "Removed image " << o.id << " from " << img.project << ".\n";
  return 0;
}


std::vector<CommandSpec> images_commands() {
  auto listed = std::make_shared<ImagesOptions>();
  CommandSpec images;
  images.path = {"project", "images"};
  images.man = "photoagent-upload";
  images.description = "List a project's photos (id, file, size, category, tags, caption)";
  images.footer = R"(Examples:
  photoagent project images ada
  photoagent project images ada --source generated     # what generate made (never used for training)
  photoagent project images --json | jq '.[] | select(.caption == "") | .id')";
  images.add("name,-p,--project", listed->project, "Project name (default: the default project)");
  images.add("--source", listed->source, "upload (the training photos, default), generated (outputs of generate) or all")
      .one_of({"upload", "generated", "all"});
  images.run = [listed](Context& ctx) { return run_project_images(ctx, *listed); };

  CommandSpec image;
  image.path = {"project", "image"};
  image.man = "photoagent-upload";
  image.description = "Edit or remove one image";
  image.footer = R"(Examples:
  photoagent project image edit 12 --caption "TOK_ADA smiling, outdoors" --category candid --tags smile,outdoor
  photoagent project image rm 12)";

  auto edited = std::make_shared<ImageEditOptions>();
  CommandSpec edit;
  edit.path = {"project", "image", "edit"};
  edit.man = "photoagent-upload";
  edit.description = "Change an image's caption, category or tags";
  edit.add("id", edited->id, "Image id (see 'project images')").mandatory();
  edit.add("--caption", edited->caption, "New caption (\"\" clears it)");
  edit.add("--category", edited->category, "New category (\"\" clears it)");
  edit.add("--tags", edited->tags, "New tags, comma-separated (replace the old ones)");
  edit.run = [edited](Context& ctx) { return run_image_edit(ctx, *edited); };

  auto removed = std::make_shared<ImageRmOptions>();
  CommandSpec rm;
  rm.path = {"project", "image", "rm"};
  rm.man = "photoagent-upload";
  rm.description = "Remove an image from its project";
  rm.add("id", removed->id, "Image id").mandatory();
  rm.run = [removed](Context& ctx) { return run_image_rm(ctx, *removed); };
  return {std::move(images), std::move(image), std::move(edit), std::move(rm)};
}

}  // namespace photoagent::cli
