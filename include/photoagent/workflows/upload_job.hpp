#pragma once
// `photoagent upload` as one job (DESIGN §10): the files go through ingest
// (all cores), then, when asked, captions and tags through the runner; the
// report carries what was added, skipped and failed, the caption outcomes,
// and the project's counts against the recommended number of photos. The
// cli checks the flags, calls the job and renders the report.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "photoagent/net/rate_limit.hpp"
#include "photoagent/services/api.hpp"
#include "photoagent/store/projects.hpp"
#include "photoagent/workflows/captions.hpp"
#include "photoagent/workflows/config.hpp"
#include "photoagent/workflows/index_job.hpp"
#include "photoagent/workflows/ingest.hpp"

namespace photoagent::workflows {

struct UploadJobSpec {
  std::vector<std::string> paths;  // files, folders, globs as the shell gave them
  std::string caption, category, tags;
  int max_side = 0;  // 0: the setting upload.max_side
  int jobs = 0;      // 0: one per core
  bool auto_caption = false;
  bool auto_tags = false;
};

// A project's uploaded photos against what a training wants.
struct PhotoCounts {
  long images = 0;
  long recommended = 0;
  long minimum = 0;
  std::vector<std::string> missing;  // categories with no photo yet
};

struct UploadReport {
  IngestReport ingest;
  std::vector<CaptionOutcome> captions;
  std::size_t caption_failures = 0;
  std::vector<IndexFailure> embed_failures;  // embed.auto: photos kept without a vector
  std::size_t files_found = 0;  // image files the paths named
  PhotoCounts counts;
  bool interrupted = false;
  // 0; 6 when some files or captions failed; util::Error when all failed or
  // nothing was found (thrown by exit_code, after the report is rendered).
  int exit_code(const std::vector<std::string>& paths) const;
};

struct UploadEvents {
  std::function<void(std::size_t done, std::size_t total)> on_upload_progress;
  std::function<void(std::size_t done, std::size_t total)> on_caption_progress;
};

// Checks the options (category, --max-side, caption flags) before any work;
// util::Error (usage) otherwise. `replicate` is needed only for captions and
// for embeddings (config embed.auto).
UploadReport run_upload_job(store::Database& db, const Config& config, const store::Project& project,
                            const UploadJobSpec& spec, const services::Api* replicate,
                            net::SlidingWindowLimiter* limiter, const UploadEvents& events);

PhotoCounts photo_counts(store::Database& db, const Config& config, const store::Project& project);

}  // namespace photoagent::workflows
