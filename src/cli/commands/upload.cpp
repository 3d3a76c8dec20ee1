#include "upload.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "../output/json.hpp"
#include "../output/progress.hpp"
#include "../output/table.hpp"
#include "../project_arg.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/interrupt.hpp"
#include "photoagent/util/printable.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/workflows/upload_job.hpp"
#include "photoagent/workflows/projects.hpp"

namespace photoagent::cli {
using nlohmann::json;

namespace {

void print_summary(Context& ctx, const store::Project& p, const workflows::UploadReport& u) {
  const auto& r = u.ingest;
  const auto& c = u.counts;
  auto& err = ctx.io.err;
  for (const auto& s : r.skipped) err << "skipped " << s.file << ": " << s.reason << "\n";
  for (const auto& f : r.failed) err << red(ctx.io, "failed") << " " << f.file << ": " << util::printable_line(f.error) << "\n";
  for (const auto& cap : u.captions)
    if (!cap.error.empty())
      err << yellow(ctx.io, "caption failed") << " " << cap.file << ": " << util::printable_line(cap.error)
          << " (the photo is kept, without a caption)\n";
  for (const auto& e : u.embed_failures)
    err << yellow(ctx.io, "not embedded") << " image " << e.image_id << ": " << e.error
        << " (kept; 'photoagent search --index' tries again)\n";
  if (ctx.global.quiet) return;
  err << (r.added.empty() ? "" : green(ctx.io, "\u2713") + " ") << "Added " << r.added.size() << " image"
      << (r.added.size() == 1 ? "" : "s") << " to " << bold(ctx.io, p.name);
  if (!r.skipped.empty() || !r.failed.empty())
    err << " (" << r.skipped.size() << " skipped, " << r.failed.size() << " failed)";
  err << ".\n" << p.name << " has " << c.images << " image" << (c.images == 1 ? "" : "s");
  if (c.images >= c.recommended) err << ": enough to train (recommended " << c.recommended << ").\n";
  else if (c.images >= c.minimum) err << ": enough to train; " << c.recommended << " are recommended.\n";
  else err << ": " << c.minimum - c.images << " more needed to train (minimum " << c.minimum << ", recommended " << c.recommended << ").\n";
  if (!c.missing.empty())
    err << "No photos yet for: " << util::join(c.missing, ", ") << " (tag them with --category).\n";
  if (!u.captions.empty())
    err << "Captioned " << u.captions.size() - u.caption_failures << " of " << u.captions.size() << " photos.\n";
}

json report_json(Context& ctx, const store::Project& project, const workflows::UploadReport& u) {
  json added = json::array(), skipped = json::array(), failed = json::array(), captions = json::array();
  for (const auto& a : u.ingest.added)
    added.push_back({{"id", a.image.id}, {"file", a.file}, {"path", (ctx.db().data_dir() / a.image.path).string()},
                     {"sha256", a.image.sha256}, {"width", a.image.width}, {"height", a.image.height},
                     {"category", a.image.category.empty() ? json(nullptr) : json(a.image.category)},
                     {"caption", a.image.caption}, {"tags", util::split(a.image.tags, ',')}});
  for (const auto& s : u.ingest.skipped) skipped.push_back({{"file", s.file}, {"reason", s.reason}});
  for (const auto& f : u.ingest.failed) failed.push_back({{"file", f.file}, {"error", f.error}});
  for (const auto& c : u.captions)
    captions.push_back({{"id", c.image_id}, {"file", c.file}, {"caption", c.caption}, {"tags", util::split(c.tags, ',')},
                        {"error", c.error.empty() ? json(nullptr) : json(c.error)}});
  return {{"project", project.name}, {"added", added}, {"skipped", skipped}, {"failed", failed},
          {"images", u.counts.images}, {"recommended", u.counts.recommended}, {"minimum", u.counts.minimum},
          {"missing_categories", u.counts.missing}, {"interrupted", u.interrupted}, {"captions", captions}};
}

}  // namespace

int run_upload(Context& ctx, const UploadOptions& o) {
  std::vector<std::string> args = o.args;
  auto project = workflows::resolve_project(ctx.db(), ctx.config(), take_project_argument(ctx, o.project, args));
  workflows::UploadJobSpec spec{args, o.caption, o.category, o.tags, o.max_side, o.jobs, o.auto_caption, o.auto_tags};
  // No Replicate token for captions: fail now (exit 4), before any work.
  const bool paid = o.auto_caption || o.auto_tags || workflows::auto_embed_on(ctx.config());
  const services::Api* replicate = paid ? &ctx.api(services::Service::replicate) : nullptr;
  std::optional<ProgressBar> bar;
  workflows::UploadEvents events;
  events.on_upload_progress = [&](std::size_t done, std::size_t total) {
    if (!bar) bar.emplace(ctx.io, "Uploading", total);
    bar->update(done);
  };
  events.on_caption_progress = [&](std::size_t done, std::size_t total) {
    if (done == 1) bar.emplace(ctx.io, "Captioning", total);
    if (bar) bar->update(done);
  };
  const auto report = workflows::run_upload_job(ctx.db(), ctx.config(), project, spec, replicate,
                                                &ctx.create_limiter(), events);
  bar.reset();
  if (ctx.global.json) {
    print_json(ctx.io, report_json(ctx, project, report));
  } else {
    Table t({"id", "file", "size", "caption"});
    for (const auto& a : report.ingest.added)
      t.add({std::to_string(a.image.id), a.file, std::to_string(a.image.width) + "x" + std::to_string(a.image.height),
             a.image.caption});
    t.print(ctx.io);
    print_summary(ctx, project, report);
  }
  return report.exit_code(args);
}


CommandSpec upload_command() {
  auto o = std::make_shared<UploadOptions>();
  CommandSpec c;
  c.path = {"upload"};
  c.man = "photoagent-upload";
  c.description = "Add photos to a project (captions, categories, tags)";
  c.footer = R"(Examples:
  photoagent upload ada ~/photos/ada/                  # folders are searched recursively
  photoagent upload ada front.jpg side.png --category headshot --tags studio
  photoagent upload -p mug shots/*.jpg --caption "TOK_MUG on a wooden table"
  photoagent upload ada ~/photos/ada/ --json | jq '.failed'

Each photo is checked (type by content, size, dimensions), turned upright
(EXIF), flattened to RGB, resized to --max-side and stored as JPEG. A caption
comes from --caption, else from NAME.txt beside the photo. Uploading the same
file twice adds nothing. Exit 6 when some files failed, 1 when all did.)";
  c.add("-p,--project", o->project, "Project (default: the default project)");
  c.add("paths", o->args, "[PROJECT] then files or folders").mandatory();
  c.add("--caption", o->caption, "Caption for every photo (else NAME.txt beside it)");
  c.add("--category", o->category, "Category, e.g. headshot, full-body (person); front, detail (product)");
  c.add("--tags", o->tags, "Tags, comma-separated");
  c.add("--auto-caption", o->auto_caption, "Caption photos with a captioning model on Replicate");
  c.add("--auto-tags", o->auto_tags, "Tag photos with a model on Replicate");
  c.add("--max-side", o->max_side, "Long side of stored photos, 64-8192 px (default: config upload.max_side, 1536)");
  c.add("-j,--jobs", o->jobs, "Files processed at once (default: one per core)");
  c.run = [o](Context& ctx) { return run_upload(ctx, *o); };
  return c;
}

}  // namespace photoagent::cli
