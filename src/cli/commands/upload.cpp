#include "upload.hpp"

#include <nlohmann/json.hpp>
#include <optional>

#include "../output/json.hpp"
#include "../output/progress.hpp"
#include "../output/table.hpp"
#include "../project_arg.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/interrupt.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/workflows/captions.hpp"
#include "photoagent/workflows/categories.hpp"
#include "photoagent/workflows/ingest.hpp"
#include "photoagent/workflows/projects.hpp"

namespace photoagent::cli {
using nlohmann::json;

namespace {

struct Counts {
  long images;
  long recommended;
  long minimum;
  std::vector<std::string> missing;  // categories with no photo yet
};

Counts project_counts(Context& ctx, const store::Project& p) {
  Counts c{};
  auto& cfg = ctx.config();
  c.recommended = cfg.get_number("upload.recommended", 1, 1000);
  c.minimum = cfg.get_number("upload.minimum", 1, 1000);
  auto counts = store::category_counts(ctx.db(), p.id);
  for (const auto& [cat, n] : counts) c.images += n;
  for (const auto& cat : workflows::categories_for(cfg, p.kind)) {
    bool have = false;
    for (const auto& [k, n] : counts) have = have || (k == cat && n > 0);
    if (!have) c.missing.push_back(cat);
  }
  return c;
}

void print_summary(Context& ctx, const store::Project& p, const workflows::IngestReport& r, const Counts& c) {
  auto& err = ctx.io.err;
  for (const auto& s : r.skipped) err << "skipped " << s.file << ": " << s.reason << "\n";
  for (const auto& f : r.failed) err << red(ctx.io, "failed") << " " << f.file << ": " << f.error << "\n";
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
}

}  // namespace

int run_upload(Context& ctx, const UploadOptions& o) {
  std::vector<std::string> args = o.args;
  auto project = workflows::resolve_project(ctx.db(), ctx.config(), take_project_argument(ctx, o.project, args));
  if (args.empty())
    throw util::usage_error("no files or folders to upload", "e.g. 'photoagent upload " + project.name + " ~/photos/'");
  auto& cfg = ctx.config();
  const bool captioning = o.auto_caption || o.auto_tags;
  std::optional<workflows::CaptionSettings> caption_settings;
  if (captioning) {
    if (o.auto_caption && !o.caption.empty()) throw util::usage_error("use --caption or --auto-caption, not both");
    caption_settings = workflows::caption_settings(cfg);
    ctx.api(services::Service::replicate);  // no token: fail now (exit 4), before any work
  }
  workflows::IngestOptions opts;
  opts.caption = util::trim(o.caption);
  if (!o.category.empty()) {
    opts.category = util::to_lower(util::trim(o.category));
    workflows::validate_category(cfg, project.kind, opts.category);
  }
  opts.tags = workflows::normalise_tags(o.tags);
  opts.max_side = static_cast<std::uint32_t>(o.max_side > 0 ? o.max_side : cfg.get_number("upload.max_side", 64, 8192));
  if (o.max_side != 0 && (o.max_side < 64 || o.max_side > 8192))
    throw util::usage_error("--max-side must be from 64 to 8192");
  opts.limits.max_pixels = static_cast<std::uint64_t>(cfg.get_number("limits.max_megapixels", 1, 100)) * 1'000'000;
  opts.limits.max_side = static_cast<std::uint32_t>(cfg.get_number("limits.max_side", 64, 20000));
  opts.limits.max_file_bytes = static_cast<std::size_t>(cfg.get_number("limits.max_file_mb", 1, 50)) * 1'000'000;
  opts.jobs = o.jobs > 0 ? static_cast<unsigned>(o.jobs) : 0;

  auto inputs = workflows::collect_inputs(args);
  workflows::IngestReport report;
  {
    ProgressBar bar(ctx.io, "Uploading", inputs.files.size());
    report = workflows::ingest(ctx.db(), project, inputs.files, opts,
                               [&](std::size_t done, std::size_t) { bar.update(done); });
  }
  for (auto& p : inputs.problems) report.failed.insert(report.failed.begin(), {p.display, p.reason});

  // Captions and tags come after the photos are safely stored: a failed or
  // interrupted caption never loses a photo.
  std::vector<workflows::CaptionOutcome> captioned;
  if (captioning && !report.interrupted) {
    std::vector<store::Image> targets;
    for (const auto& a : report.added) targets.push_back(a.image);
    for (const auto& sk : report.skipped) {
      if (sk.image_id == 0) continue;
      auto img = store::find_image(ctx.db(), sk.image_id);
      if (img && ((o.auto_caption && img->caption.empty()) || (o.auto_tags && img->tags.empty())))
        targets.push_back(*img);
    }
    workflows::PredictionRunner runner(ctx.db(), ctx.api(services::Service::replicate), ctx.create_limiter());
    ProgressBar bar(ctx.io, "Captioning", targets.size());
    captioned = workflows::auto_caption(ctx.db(), runner, *caption_settings, project, targets, o.auto_caption,
                                        o.auto_tags, [&](std::size_t done, std::size_t) { bar.update(done); });
    for (auto& a : report.added)
      if (auto img = store::find_image(ctx.db(), a.image.id)) a.image = *img;
  }
  std::size_t caption_failures = 0;
  for (const auto& c : captioned) caption_failures += !c.error.empty();
  const Counts counts = project_counts(ctx, project);

  if (ctx.global.json) {
    json added = json::array(), skipped = json::array(), failed = json::array();
    for (const auto& a : report.added)
      added.push_back({{"id", a.image.id}, {"file", a.file}, {"path", (ctx.db().data_dir() / a.image.path).string()},
                       {"sha256", a.image.sha256}, {"width", a.image.width}, {"height", a.image.height},
                       {"category", a.image.category.empty() ? json(nullptr) : json(a.image.category)},
                       {"caption", a.image.caption}, {"tags", util::split(a.image.tags, ',')}});
    for (const auto& s : report.skipped) skipped.push_back({{"file", s.file}, {"reason", s.reason}});
    for (const auto& f : report.failed) failed.push_back({{"file", f.file}, {"error", f.error}});
    print_json(ctx.io, {{"project", project.name}, {"added", added}, {"skipped", skipped}, {"failed", failed},
                        {"images", counts.images}, {"recommended", counts.recommended},
                        {"minimum", counts.minimum}, {"missing_categories", counts.missing},
                        {"interrupted", report.interrupted}, {"captions", [&] {
                          json arr = json::array();
                          for (const auto& c : captioned)
                            arr.push_back({{"id", c.image_id}, {"file", c.file}, {"caption", c.caption},
                                           {"tags", util::split(c.tags, ',')},
                                           {"error", c.error.empty() ? json(nullptr) : json(c.error)}});
                          return arr;
                        }()}});
  } else {
    Table t({"id", "file", "size", "caption"});
    for (const auto& a : report.added)
      t.add({std::to_string(a.image.id), a.file, std::to_string(a.image.width) + "x" + std::to_string(a.image.height),
             a.image.caption});
    t.print(ctx.io);
    print_summary(ctx, project, report, counts);
    for (const auto& c : captioned)
      if (!c.error.empty())
        ctx.io.err << yellow(ctx.io, "caption failed") << " " << c.file << ": " << c.error
                   << " (the photo is kept, without a caption)\n";
    if (!captioned.empty() && !ctx.global.quiet)
      ctx.io.err << "Captioned " << captioned.size() - caption_failures << " of " << captioned.size() << " photos.\n";
  }
  util::throw_if_interrupted();  // Ctrl-C while uploading or captioning: exit 130 / 143, after the report
  if (inputs.files.empty() && report.failed.empty())
    throw util::failure("no images found in " + util::join(args, " "),
                        "photoagent takes .jpg and .png files; folders are searched recursively.");
  if (!report.failed.empty() || caption_failures > 0) {
    if (report.added.empty() && report.skipped.empty() && !report.failed.empty())
      throw util::failure("none of the " + std::to_string(report.failed.size()) + " files could be uploaded");
    return static_cast<int>(util::ExitCode::partial);
  }
  return 0;
}

}  // namespace photoagent::cli
