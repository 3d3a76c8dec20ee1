#pragma once
// Ingesting photos into a project: each file is size-checked, hashed (the
// original's SHA-256 is the dedupe key), prepared by the image pipeline
// (decode, orient, flatten, resize, JPEG), stored under the output's hash and
// recorded, on all cores. A file that fails leaves nothing behind; a
// duplicate adds nothing; Ctrl-C stops at the next file with every finished
// one recorded.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "photoagent/image/limits.hpp"
#include "photoagent/store/images.hpp"
#include "photoagent/store/projects.hpp"
#include "photoagent/workflows/inputs.hpp"

namespace photoagent::workflows {

struct IngestOptions {
  std::string caption;   // for every file; else the NAME.txt sidecar
  std::string category;  // validated by the caller
  std::string tags;      // normalised by the caller
  std::uint32_t max_side = 1536;
  image::Limits limits{};
  unsigned jobs = 0;  // 0: one per core
};

struct IngestAdded {
  std::string file;
  store::Image image;
};
struct IngestSkipped {
  std::string file;
  std::string reason;
  std::int64_t image_id = 0;  // the image already stored, when it is one
};
struct IngestFailed {
  std::string file;
  std::string error;
};

// Each list in the order the files were given.
struct IngestReport {
  std::vector<IngestAdded> added;
  std::vector<IngestSkipped> skipped;
  std::vector<IngestFailed> failed;
  bool interrupted = false;
};

// Called after each file (done, total): from worker threads, one call at a time.
using IngestProgress = std::function<void(std::size_t done, std::size_t total)>;

IngestReport ingest(store::Database& db, const store::Project& project, const std::vector<InputFile>& files,
                    const IngestOptions& options, const IngestProgress& progress = {});

}  // namespace photoagent::workflows
