#include "images.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "../output/json.hpp"
#include "../output/table.hpp"
#include "photoagent/store/images.hpp"
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

store::Image require_image(Context& ctx, std::int64_t id) {
  auto img = store::find_image(ctx.db(), id);
  if (!img)
    throw util::not_found("no image with id " + std::to_string(id),
                          "List a project's images with 'photoagent project images NAME'.");
  return *img;
}

}  // namespace

int run_project_images(Context& ctx, const ImagesOptions& o) {
  auto p = workflows::resolve_project(ctx.db(), ctx.config(), o.project);
  store::ImageSource source = store::ImageSource::uploads;
  if (o.source == "generated") source = store::ImageSource::generated;
  else if (o.source == "all") source = store::ImageSource::all;
  else if (o.source != "upload")
    throw util::usage_error("--source is upload, generated or all, not '" + o.source + "'");
  auto images = store::list_images(ctx.db(), p.id, source);
  if (ctx.global.json) {
    json arr = json::array();
    for (const auto& i : images) arr.push_back(to_json(ctx, i));
    print_json(ctx.io, arr);
    return 0;
  }
  if (images.empty()) {
    if (ctx.global.quiet) return 0;
    if (source == store::ImageSource::generated) ctx.io.err << p.name << " has no generated images yet\n";
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
  auto img = require_image(ctx, o.id);
  if (!o.caption && !o.category && !o.tags)
    throw util::usage_error("nothing to change", "Pass --caption, --category and/or --tags.");
  store::ImageEdit edit;
  if (o.caption) edit.caption = util::trim(*o.caption);
  if (o.tags) edit.tags = workflows::normalise_tags(*o.tags);
  if (o.category) {
    std::string cat = util::to_lower(util::trim(*o.category));
    if (!cat.empty()) {
      auto p = store::find_project(ctx.db(), img.project);
      workflows::validate_category(ctx.config(), p->kind, cat);
    }
    edit.category = cat;
  }
  auto updated = store::update_image(ctx.db(), o.id, edit);
  if (ctx.global.json) print_json(ctx.io, to_json(ctx, updated));
  else if (!ctx.global.quiet) ctx.io.err << "Updated image " << o.id << ".\n";
  return 0;
}

int run_image_rm(Context& ctx, const ImageRmOptions& o) {
  auto img = require_image(ctx, o.id);
  auto orphan = store::delete_image(ctx.db(), o.id);
  if (orphan) {
    std::error_code ec;
    std::filesystem::remove(ctx.db().data_dir() / *orphan, ec);
  }
  if (ctx.global.json) print_json(ctx.io, {{"removed", o.id}, {"project", img.project}});
  else if (!ctx.global.quiet) ctx.io.err << "Removed image " << o.id << " from " << img.project << ".\n";
  return 0;
}

}  // namespace photoagent::cli
