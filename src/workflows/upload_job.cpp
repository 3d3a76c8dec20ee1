#include "photoagent/workflows/upload_job.hpp"

#include "photoagent/store/images.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/interrupt.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/workflows/categories.hpp"
#include "photoagent/workflows/inputs.hpp"

namespace photoagent::workflows {

namespace {

IngestOptions ingest_options(const Config& cfg, const store::Project& project, const UploadJobSpec& spec) {
  if (spec.auto_caption && !util::trim(spec.caption).empty())
    throw util::usage_error("use --caption or --auto-caption, not both");
  if (spec.max_side != 0 && (spec.max_side < 64 || spec.max_side > 8192))
    throw util::usage_error("--max-side must be from 64 to 8192");
  IngestOptions opts;
  opts.caption = util::trim(spec.caption);
  if (!spec.category.empty()) {
    opts.category = util::to_lower(util::trim(spec.category));
    validate_category(cfg, project.kind, opts.category);
  }
  opts.tags = normalise_tags(spec.tags);
  opts.max_side = static_cast<std::uint32_t>(spec.max_side > 0 ? spec.max_side : cfg.get_number("upload.max_side", 64, 8192));
  opts.limits.max_pixels = static_cast<std::uint64_t>(cfg.get_number("limits.max_megapixels", 1, 100)) * 1'000'000;
  opts.limits.max_side = static_cast<std::uint32_t>(cfg.get_number("limits.max_side", 64, 20000));
  opts.limits.max_file_bytes = static_cast<std::size_t>(cfg.get_number("limits.max_file_mb", 1, 50)) * 1'000'000;
  opts.jobs = spec.jobs > 0 ? static_cast<unsigned>(spec.jobs) : 0;
  return opts;
}

// What to caption: the photos just added, and those already there (a
// rerun) that still lack what was asked for.
std::vector<store::Image> caption_targets(store::Database& db, const IngestReport& report, const UploadJobSpec& spec) {
  std::vector<store::Image> targets;
  for (const auto& a : report.added) targets.push_back(a.image);
  for (const auto& sk : report.skipped) {
    if (sk.image_id == 0) continue;
    auto img = store::find_image(db, sk.image_id);
    if (img && ((spec.auto_caption && img->caption.empty()) || (spec.auto_tags && img->tags.empty())))
      targets.push_back(*img);
  }
  return targets;
}

}  // namespace

PhotoCounts photo_counts(store::Database& db, const Config& cfg, const store::Project& p) {
  PhotoCounts c;
  c.recommended = cfg.get_number("upload.recommended", 1, 1000);
  c.minimum = cfg.get_number("upload.minimum", 1, 1000);
  const auto counts = store::category_counts(db, p.id);
  for (const auto& [cat, n] : counts) c.images += n;
  for (const auto& cat : categories_for(cfg, p.kind)) {
    bool have = false;
    for (const auto& [k, n] : counts) have = have || (k == cat && n > 0);
    if (!have) c.missing.push_back(cat);
  }
  return c;
}

UploadReport run_upload_job(store::Database& db, const Config& cfg, const store::Project& project,
                            const UploadJobSpec& spec, const services::Api* replicate,
                            net::SlidingWindowLimiter* limiter, const UploadEvents& events) {
  if (spec.paths.empty())
    throw util::usage_error("no files or folders to upload", "e.g. 'photoagent upload " + project.name + " ~/photos/'");
  const bool captioning = spec.auto_caption || spec.auto_tags;
  std::optional<CaptionSettings> settings;
  if (captioning) {
    if (replicate == nullptr || limiter == nullptr) throw util::failure("internal: captions need the Replicate API");
    settings = caption_settings(cfg);
  }
  const auto opts = ingest_options(cfg, project, spec);

  UploadReport report;
  auto inputs = collect_inputs(spec.paths);
  report.files_found = inputs.files.size();
  report.ingest = ingest(db, project, inputs.files, opts, events.on_upload_progress);
  for (auto& p : inputs.problems) report.ingest.failed.insert(report.ingest.failed.begin(), {p.display, p.reason});

  // Captions and tags come after the photos are safely stored: a failed or
  // interrupted caption never loses a photo.
  if (captioning && !report.ingest.interrupted) {
    PredictionRunner runner(db, *replicate, *limiter);
    report.captions = auto_caption(db, runner, *settings, project, caption_targets(db, report.ingest, spec),
                                   spec.auto_caption, spec.auto_tags, events.on_caption_progress);
    for (auto& a : report.ingest.added)
      if (auto img = store::find_image(db, a.image.id)) a.image = *img;
    for (const auto& c : report.captions) report.caption_failures += !c.error.empty();
  }
  // embed.auto: the photos just added get their vectors (search --semantic).
  if (replicate && limiter && !report.ingest.interrupted && auto_embed_on(cfg) && !report.ingest.added.empty()) {
    PredictionRunner runner(db, *replicate, *limiter);
    std::vector<std::int64_t> ids;
    for (const auto& a : report.ingest.added) ids.push_back(a.image.id);
    report.embed_failures = auto_embed(db, cfg, runner, ids, replicate);
  }
  report.counts = photo_counts(db, cfg, project);
  report.interrupted = report.ingest.interrupted || util::interrupt_signal() != 0;
  return report;
}

int UploadReport::exit_code(const std::vector<std::string>& paths) const {
  util::throw_if_interrupted();  // Ctrl-C while uploading or captioning: exit 130 / 143
  if (files_found == 0 && ingest.failed.empty())
    throw util::failure("no images found in " + util::join(paths, " "),
                        "photoagent takes .jpg and .png files; folders are searched recursively.");
  if (ingest.failed.empty() && caption_failures == 0) return 0;
  if (ingest.added.empty() && ingest.skipped.empty() && !ingest.failed.empty())
    throw util::failure("none of the " + std::to_string(ingest.failed.size()) + " files could be uploaded");
  return static_cast<int>(util::ExitCode::partial);
}

}  // namespace photoagent::workflows
