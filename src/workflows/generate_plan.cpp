// Planning a generation: model, inputs, -n split, keys and seeds.

#include <nlohmann/json.hpp>

#include "photoagent/store/trainings.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/hash.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/workflows/generate.hpp"
#include "photoagent/workflows/styles.hpp"

namespace photoagent::workflows {
using nlohmann::json;
namespace rep = services::replicate;

namespace {

json input_value(const std::string& text) {
  json v = json::parse(text, nullptr, false);
  return v.is_discarded() ? json(text) : v;
}

// A seed from a key: stable, and different for different keys.
long long derived_seed(const std::string& key) {
  return static_cast<long long>(std::stoull(util::sha256_hex(key).substr(0, 8), nullptr, 16) & 0x7fffffff);
}

}  // namespace

Generator::Generator(store::Database& db, const Config& config, const services::Api& replicate,
                     PredictionRunner& runner, std::optional<store::Project> project)
    : db_(db), config_(config), api_(replicate), runner_(runner), project_(std::move(project)) {}

rep::ModelRef Generator::resolve_model(const std::string& requested, bool& trained) {
  trained = false;
  if (!requested.empty()) return rep::parse_model_ref(requested);
  if (project_) {
    for (const auto& t : store::list_trainings(db_, project_->id))
      if (t.status == "succeeded" && !t.version.empty()) {
        trained = true;
        return rep::parse_model_ref(t.version);
      }
  }
  return rep::parse_model_ref(config_.get_or_default("generate.model"));
}

const rep::InputSchema& Generator::schema_for(const rep::ModelRef& model) {
  const std::string id = model.full() + ":" + model.version;
  {
    std::lock_guard lock(mu_);
    for (const auto& [k, s] : schemas_)
      if (k == id) return s;
  }
  auto schema = rep::input_schema(api_, model);  // outside the lock: a network call
  std::lock_guard lock(mu_);
  schemas_.emplace_back(id, std::move(schema));
  return schemas_.back().second;
}

std::vector<PlannedPrediction> Generator::plan(const GenerateRequest& r) {
  if (util::trim(r.prompt).empty()) throw util::usage_error("the prompt is empty");
  if (r.n < 1 || r.n > 1000) throw util::usage_error("-n must be from 1 to 1000");
  if (r.provider == "huggingface") return plan_hf(r);
  if (!r.provider.empty() && r.provider != "replicate")
    throw util::usage_error("--provider is replicate or huggingface, not '" + r.provider + "'");
  bool trained = false;
  const auto model = resolve_model(r.model, trained);
  const auto& schema = schema_for(model);
  const bool known = !schema.properties.empty();
  auto takes = [&](const char* name) { return !known || schema.has(name); };

  std::optional<Style> style;
  if (!r.style.empty()) style = find_style(config_, r.style);
  const std::string trigger = trained ? project_->trigger : "";

  // Defaults a model may not take are dropped; the user's --input never is.
  json base = style ? json::parse(style->inputs) : json::object();
  for (auto it = base.begin(); it != base.end();) it = takes(it.key().c_str()) ? std::next(it) : base.erase(it);
  base["prompt"] = render_prompt(style ? &*style : nullptr, trigger, r.prompt);
  const std::string aspect = !r.aspect.empty() ? r.aspect : style ? style->aspect_ratio : "";
  if (!aspect.empty() && takes("aspect_ratio")) base["aspect_ratio"] = aspect;
  if (r.steps > 0) base["num_inference_steps"] = r.steps;
  if (r.guidance >= 0) base[schema.has("guidance") && !schema.has("guidance_scale") ? "guidance" : "guidance_scale"] = r.guidance;
  if (r.lora_scale) base["lora_scale"] = *r.lora_scale;
  const std::string negative = !r.negative.empty() ? r.negative : style ? style->negative : "";
  if (!negative.empty() && (schema.has("negative_prompt") || !r.negative.empty())) base["negative_prompt"] = negative;
  const std::string extra_lora = !r.extra_lora.empty() ? r.extra_lora : style ? style->extra_lora : "";
  if (!extra_lora.empty()) base["extra_lora"] = extra_lora;
  const std::string format = !r.format.empty() ? r.format : config_.get_or_default("generate.format");
  if (takes("output_format")) base["output_format"] = format;
  for (const auto& [k, v] : r.inputs) base[k] = input_value(v);

  const int per = std::max(1, schema.has("num_outputs") ? schema.max_outputs : 1);
  // "out" and "out/" are the same folder, and so the same request.
  auto out_dir = std::filesystem::absolute(r.out_dir).lexically_normal();
  if (out_dir.filename().empty()) out_dir = out_dir.parent_path();
  std::vector<PlannedPrediction> out;
  for (int done = 0, piece = 0; done < r.n; ++piece) {
    const int k = std::min(per, r.n - done);
    json input = base;
    if (schema.has("num_outputs") || k > 1) input["num_outputs"] = k;
    // The key without the seed decides the seed; the key with it names the prediction.
    const std::string scope = model.full() + ":" + model.version + "\n" + out_dir.string() + "\n" +
                              (r.id.empty() ? "" : "id=" + r.id) + "\n" + std::to_string(piece) +
                              (r.occurrence > 0 ? "\nrepeat=" + std::to_string(r.occurrence) : "");
    long long seed = -1;
    if (r.seed) seed = *r.seed + piece;
    else if (!input.contains("seed")) seed = derived_seed(scope + canonical_input(input.dump()));
    if (seed >= 0 && takes("seed")) input["seed"] = seed;
    PlannedPrediction p;
    p.model = model;
    p.input_json = input.dump();
    p.key = "gen:" + (r.id.empty() ? util::sha256_hex(scope + canonical_input(p.input_json)) : util::sha256_hex(scope));
    p.prompt = r.prompt;
    p.line_id = r.id;
    p.provider = "replicate";
    p.style = r.style;
    p.seed = input.contains("seed") && input["seed"].is_number_integer() ? input["seed"].get<long long>() : seed;
    p.out_dir = out_dir;
    p.upscale = r.upscale;
    p.face_restore = r.face_restore;
    out.push_back(std::move(p));
    done += k;
  }
  return out;
}

}  // namespace photoagent::workflows
