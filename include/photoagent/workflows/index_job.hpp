#pragma once
// `photoagent search --index`: embeds the images that have no vector in the
// configured model's space (DESIGN §10 "Jobs"). Paid, so: --dry-run counts
// and estimates first; the work goes through the one runner (intent,
// reconciliation, rate limit), `jobs` at a time; a stopped run resumes where
// it stopped, and an image whose prediction already succeeded is never paid
// for again. Failures are per image.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "photoagent/workflows/config.hpp"
#include "photoagent/workflows/embed.hpp"

namespace photoagent::workflows {

struct IndexJobSpec {
  std::string project;  // name; "": every project (unknown: util::Error, exit 3)
  bool dry_run = false;
  unsigned jobs = 8;
};

struct IndexFailure {
  std::int64_t image_id = 0;
  std::string error;
};

struct IndexReport {
  std::string model;        // owner/name
  std::string version;      // the pinned version, or the space's ("" before the first)
  std::size_t missing = 0;  // images without a vector when the run began
  std::size_t embedded = 0;
  std::vector<IndexFailure> failed;
  std::size_t not_reached = 0;  // Ctrl-C stopped the run first
  double estimate_usd = 0;      // of the missing ones
  bool dry_run = false;
};

using IndexProgress = std::function<void(std::size_t done, std::size_t total)>;

IndexReport run_index_job(store::Database& db, const Config& config, Embedder& embedder, const IndexJobSpec& spec,
                          const IndexProgress& progress = {});

// Embeds the given images through `runner` when config embed.auto is on
// (upload: the photos added; generate: the outputs made since the run
// began). Failures are warnings (returned); the images stay. Empty when off.
bool auto_embed_on(const Config& config);
// `replicate` (may be null) checks the model's input schema first.
std::vector<IndexFailure> auto_embed(store::Database& db, const Config& config, PredictionRunner& runner,
                                     const std::vector<std::int64_t>& image_ids,
                                     const services::Api* replicate = nullptr);
// The same for the images created at or after `since` (RFC 3339) with this
// source ("generated" or "upload").
std::vector<IndexFailure> auto_embed_since(store::Database& db, const Config& config, PredictionRunner& runner,
                                           const std::string& since, const std::string& source,
                                           const services::Api* replicate = nullptr);

}  // namespace photoagent::workflows
