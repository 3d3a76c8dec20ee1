#include "photoagent/workflows/embed.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "photoagent/image/prepare.hpp"
#include "photoagent/services/replicate/models.hpp"
#include "photoagent/store/predictions.hpp"
#include "photoagent/store/search.hpp"
#include "photoagent/util/base64.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/workflows/trainers.hpp"

namespace photoagent::workflows {
using nlohmann::json;

EmbedSettings embed_settings(const Config& config) {
  EmbedSettings s;
  s.model = services::replicate::parse_model_ref(config.get_or_default("embed.model"));
  const std::string on = util::to_lower(util::trim(config.get_or_default("embed.auto")));
  if (on == "true" || on == "on" || on == "yes" || on == "1") s.auto_embed = true;
  else if (on == "false" || on == "off" || on == "no" || on == "0" || on.empty()) s.auto_embed = false;
  else throw util::usage_error("config embed.auto is '" + on + "', not true or false",
                               "Fix it with 'photoagent config set embed.auto true'.");
  s.wait_seconds = static_cast<int>(config.get_number("replicate.wait_seconds", 1, 60));
  return s;
}

double embed_cost_estimate(const Config& config) { return 1.0 * price_per_second(config, "gpu-t4"); }

std::vector<float> parse_embedding(const std::string& output_json) {
  json j = json::parse(output_json, nullptr, false);
  if (j.is_object() && j.contains("embedding")) j = j["embedding"];
  else if (j.is_array() && !j.empty() && j[0].is_object() && j[0].contains("embedding")) j = j[0]["embedding"];
  std::vector<float> v;
  if (j.is_array() && j.size() <= 65536)
    for (const auto& x : j) {
      if (!x.is_number()) {
        v.clear();
        break;
      }
      v.push_back(x.get<float>());
    }
  if (v.empty()) throw util::remote_error("the embedding model answered without an embedding (a list of numbers)");
  return v;
}

std::string query_key(const std::string& text) {
  std::string out;
  for (char c : util::trim(text)) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  return out;
}

std::string embed_thumbnail(const std::filesystem::path& file, std::uint32_t max_side) {
  const std::string bytes = util::read_file(file, 64u << 20);
  image::PrepareOptions o;
  o.max_side = max_side;
  o.jpeg.quality = 90;
  o.allow_webp = true;  // generated outputs may be WebP
  auto thumb = image::prepare(std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()), o);
  return "data:image/jpeg;base64," +
         util::base64_encode(std::string_view(reinterpret_cast<const char*>(thumb.jpeg.data()), thumb.jpeg.size()));
}

Embedder::Embedder(store::Database& db, EmbedSettings settings, RunnerSource runner, ApiSource api)
    : db_(db), settings_(std::move(settings)), runner_(std::move(runner)), api_(std::move(api)) {}

void Embedder::check_image_input() {
  std::lock_guard lock(checked_mu_);
  if (checked_ || !api_) return;
  const auto schema = services::replicate::input_schema(api_(), settings_.model);
  checked_ = true;
  if (schema.properties.empty()) return;  // not published: send and let the model answer
  const std::string model = settings_.model.full();
  const auto has = [](const std::vector<std::string>& v, const char* x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  if (!has(schema.properties, "image"))
    throw util::usage_error("config embed.model " + model + " has no `image` input",
                            "Pick a CLIP model that takes `image` and `text`, e.g. 'photoagent config unset embed.model'.");
  if (!has(schema.uri_properties, "image"))
    throw util::usage_error("config embed.model " + model + " takes `image` as a plain string, so it needs a URL it can"
                            " fetch; photoagent sends small thumbnails inline (data URIs), which only a uri-typed input"
                            " accepts",
                            "Pick a model whose `image` input has format uri, e.g. 'photoagent config unset embed.model'.");
}

std::optional<store::VectorSpace> Embedder::space() const {
  const auto& m = settings_.model;
  return m.version.empty() ? store::latest_vector_space(db_, m.full()) : store::find_vector_space(db_, m.full(), m.version);
}

Embedder::Answer Embedder::run(const std::string& purpose, const std::string& input_json, std::int64_t project_id,
                               std::int64_t image_id) {
  RunSpec spec;
  spec.purpose = purpose;
  spec.model = settings_.model;
  spec.input_json = input_json;
  spec.key = prediction_key(purpose, settings_.model, input_json);
  spec.project_id = project_id;
  spec.image_id = image_id;
  spec.wait_seconds = settings_.wait_seconds;
  spec.max_poll = std::chrono::minutes(5);
  auto row = runner_().run(spec);
  if (row.status == store::PredictionStatus::succeeded && row.output == store::kStoredEmbedding) {
    // Paid before, its vector stored, and the caller did not find it (the
    // vectors folder was removed): the old row stays as history, one new
    // prediction replaces it.
    store::retire_prediction_key(db_, row.id);
    row = runner_().run(spec);
  }
  if (row.status != store::PredictionStatus::succeeded) {
    if (store::settled(row.status))
      throw util::remote_error(settings_.model.full() + " " + store::to_string(row.status) +
                               (row.error.empty() ? "" : ": " + row.error));
    throw util::remote_error(settings_.model.full() + " is still running (prediction " + row.replicate_id + ")",
                             "Run the command again later to collect it; nothing is paid twice.");
  }
  if (row.predict_time < 0 && !row.replicate_id.empty()) {
    std::lock_guard lock(unpriced_mu_);
    unpriced_.push_back(row);
  }
  auto v = parse_embedding(row.output);
  // The version that ran names the space (the pinned one, or the one the
  // runner resolved): two versions' vectors never meet.
  auto space = store::vector_space(db_, settings_.model.full(), row.version, static_cast<int>(v.size()));
  return {std::move(v), std::move(space), row.id};
}

void Embedder::finish(bool fetch_times) {
  std::vector<store::PredictionRow> rows;
  std::vector<std::int64_t> stored;
  {
    std::lock_guard lock(unpriced_mu_);
    rows.swap(unpriced_);
    stored.swap(stored_);
  }
  for (const auto id : stored) store::forget_embedding_output(db_, id);
  if (fetch_times && !rows.empty()) runner_().fetch_predict_times(std::move(rows));
}

std::vector<float> Embedder::text(const std::string& query) {
  const std::string key = query_key(query);
  if (auto s = space())
    if (auto cached = store::cached_query_vector(db_, *s, key)) return *cached;
  auto a = run("embed_text", json{{"text", key}}.dump(), 0, 0);
  store::cache_query_vector(db_, a.space, key, a.vector);
  store::forget_embedding_output(db_, a.prediction_id);
  return a.vector;
}

std::vector<float> Embedder::image(const store::Image& img) {
  if (auto s = space()) {
    if (auto stored = store::image_vector(db_, *s, img.id)) return *stored;
    // The same file in another project (or uploaded again): its vector, unpaid.
    for (const auto other : store::image_ids_with_sha256(db_, img.sha256))
      if (other != img.id)
        if (auto stored = store::image_vector(db_, *s, other)) {
          store::put_image_vector(db_, *s, img.id, *stored);
          return *stored;
        }
  }
  check_image_input();
  const std::string input = json{{"image", embed_thumbnail(db_.data_dir() / img.path, settings_.thumbnail_px)}}.dump();
  auto a = run("embed", input, img.project_id, img.id);
  store::put_image_vector(db_, a.space, img.id, a.vector);
  std::lock_guard lock(unpriced_mu_);
  stored_.push_back(a.prediction_id);
  return a.vector;
}

std::vector<float> Embedder::file(const std::filesystem::path& file) {
  check_image_input();
  const std::string input = json{{"image", embed_thumbnail(file, settings_.thumbnail_px)}}.dump();
  // Kept in the prediction's row: the same file asked again costs nothing.
  return run("embed", input, 0, 0).vector;
}

}  // namespace photoagent::workflows
