#pragma once
// Embeddings for semantic search (DESIGN §9, §10): a CLIP model on Replicate
// (config embed.model, a pinned version by default) through the one
// prediction runner. An image goes as a data URI of a small JPEG thumbnail
// (the model's `image` input is uri-typed); a text query as `text`. Vectors
// land in the store's space for model + version; query vectors are cached,
// so a repeated semantic query needs no network, no login, no payment.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "photoagent/services/api.hpp"
#include "photoagent/services/replicate/model_ref.hpp"
#include "photoagent/store/images.hpp"
#include "photoagent/store/vectors.hpp"
#include "photoagent/workflows/config.hpp"
#include "photoagent/workflows/runner.hpp"

namespace photoagent::workflows {

// The default model (config.cpp) is krthr/clip-embeddings (CLIP ViT-L/14,
// 768 numbers) at the version public code pins; its input is `image`
// (format uri) or `text`, its output {"embedding": [...]}.
struct EmbedSettings {
  services::replicate::ModelRef model;  // embed.model
  bool auto_embed = false;              // embed.auto: at upload and generation
  int wait_seconds = 60;
  std::uint32_t thumbnail_px = 224;  // CLIP sees 224 x 224
};
// util::Error (usage) naming the key when a value is not valid.
EmbedSettings embed_settings(const Config& config);

// What an embedding is estimated to cost (dollars): about a second on a T4,
// replicate.com's figure for this model; the price table can change it.
double embed_cost_estimate(const Config& config);

// The vector in a prediction's output: {"embedding": [...]}, a bare array,
// or [{"embedding": [...]}]. util::Error (remote) when none is there.
std::vector<float> parse_embedding(const std::string& output_json);

// A text query as it is cached: trimmed, runs of spaces as one.
std::string query_key(const std::string& text);

// The runner, made when first needed (making it needs the Replicate login).
using RunnerSource = std::function<PredictionRunner&()>;
// Replicate's API, for the model's published input schema (also on demand).
using ApiSource = std::function<const services::Api&()>;

class Embedder {
 public:
  // Without `api` the model's input schema is not checked.
  Embedder(store::Database& db, EmbedSettings settings, RunnerSource runner, ApiSource api = {});

  const EmbedSettings& settings() const { return settings_; }
  // The space the configured model's vectors are in: by the pinned version,
  // else the model's newest space. Nothing before the first vector.
  std::optional<store::VectorSpace> space() const;

  // Before images are sent: the model's published input schema must have
  // an `image` input typed `format: uri`, which takes the inline thumbnail
  // (a plain-string input would need a URL the model can fetch). Checked
  // once; an unpublished schema passes. util::Error (usage) naming the fix.
  void check_image_input();

  // A query's vector: from the cache, else one prediction (then cached).
  std::vector<float> text(const std::string& query);
  // The vector of an image in the cache: stored, else embedded now (paid once).
  std::vector<float> image(const store::Image& image);
  // A file that is not in the cache: embedded from its thumbnail, not stored
  // as an image (the prediction row keeps the answer: asking again is free).
  std::vector<float> file(const std::filesystem::path& file);

  // After a batch: the outputs of the images' predictions are dropped now
  // that their vectors are stored (identical thumbnails within the batch
  // shared them meanwhile), and, since sync answers carry no run time, it is
  // learnt for the predictions made (a list page per 100), so spend is
  // complete (DESIGN §10). Failures leave that for a later call.
  // `fetch_times` false (Ctrl-C): the local part only.
  void finish(bool fetch_times = true);

 private:
  // One prediction; returns the vector, the space it belongs to and the
  // prediction's row id.
  struct Answer {
    std::vector<float> vector;
    store::VectorSpace space;
    std::int64_t prediction_id = 0;
  };
  Answer run(const std::string& purpose, const std::string& input_json, std::int64_t project_id,
             std::int64_t image_id);
  store::Database& db_;
  EmbedSettings settings_;
  RunnerSource runner_;
  ApiSource api_;
  std::mutex checked_mu_;
  bool checked_ = false;
  std::mutex unpriced_mu_;
  std::vector<store::PredictionRow> unpriced_;  // made here, run time not known yet
  std::vector<std::int64_t> stored_;             // predictions whose vectors are stored
};

// A small JPEG of the picture as a data URI (long side `max_side`).
std::string embed_thumbnail(const std::filesystem::path& file, std::uint32_t max_side);

}  // namespace photoagent::workflows
