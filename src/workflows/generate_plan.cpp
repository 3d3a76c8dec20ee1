// Planning a generation: model, inputs, -n split, keys and seeds.

#include <nlohmann/json.hpp>

#include "photoagent/services/replicate/model_ref.hpp"
#include "photoagent/services/replicate/models.hpp"
#include "photoagent/store/trainings.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/hash.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/util/text_check.hpp"
#include "photoagent/workflows/generate.hpp"
#include "photoagent/workflows/styles.hpp"
#include "generate_detail.hpp"

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

// Text that goes into JSON and the database must be UTF-8 without NULs:
// refused here, with where it went wrong, rather than deep inside.
void check_request_text(const GenerateRequest& r) {
  util::check_text("the prompt", r.prompt);
  util::check_text("the style", r.style);
  util::check_text("the model", r.model);
  util::check_text("the aspect ratio", r.aspect);
  util::check_text("the negative prompt", r.negative);
  util::check_text("the extra LoRA", r.extra_lora);
  util::check_text("the format", r.format);
  util::check_text("the id", r.id);
  for (const auto& [k, v] : r.inputs) {
    util::check_text("an input name", k);
    util::check_text("input " + util::excerpt(k), v);
  }
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
      if (t.status == store::TrainingStatus::succeeded && !t.version.empty()) {
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

// Replicate: the model's own input names, filtered by its published schema
// (defaults a model does not take are dropped; --input never is).
Generator::Mapping Generator::map_replicate(const GenerateRequest& r, const Style* style) {
  Mapping m;
  bool trained = false;
  m.model = resolve_model(r.model, trained);
  const auto& schema = schema_for(m.model);
  const bool known = !schema.properties.empty();
  auto takes = [&](const char* name) { return !known || schema.has(name); };
  const std::string trigger = trained ? project_->trigger : "";

  json base = style ? json::parse(style->inputs) : json::object();
  for (auto it = base.begin(); it != base.end();) it = takes(it.key().c_str()) ? std::next(it) : base.erase(it);
  base["prompt"] = render_prompt(style, trigger, r.prompt);
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

  m.input = base.dump();
  m.per_prediction = std::max(1, schema.has("num_outputs") ? schema.max_outputs : 1);
  m.count_input = schema.has("num_outputs");
  m.takes_seed = takes("seed");
  m.seed_at = "/seed";
  m.scope = m.model.full() + ":" + m.model.version;
  return m;
}

// Hugging Face inference: {"inputs": prompt, "parameters": {...}}, one
// image per request, only on models hf-inference serves.
Generator::Mapping Generator::map_huggingface(const GenerateRequest& r, const Style* style) {
  if (!rep::is_owner_slash_name(r.model))
    throw util::usage_error("--provider huggingface needs --model OWNER/NAME (a Hub model repo)",
                            "e.g. --provider huggingface --model stabilityai/stable-diffusion-3-medium-diffusers");
  if (hf_ != nullptr) check_hf_inference(*hf_, r.model);
  // The trigger word only means something to the project's own LoRA repo.
  const std::string trigger = project_ && project_->hf_repo == r.model ? project_->trigger : "";
  json params = json::object();
  const std::string negative = !r.negative.empty() ? r.negative : style ? style->negative : "";
  if (!negative.empty()) params["negative_prompt"] = negative;
  const std::string aspect = !r.aspect.empty() ? r.aspect : style ? style->aspect_ratio : "";
  if (!aspect.empty()) std::tie(params["width"], params["height"]) = hf_image_size(aspect);
  if (r.steps > 0) params["num_inference_steps"] = r.steps;
  if (r.guidance >= 0) params["guidance_scale"] = r.guidance;
  for (const auto& [k, v] : r.inputs) params[k] = input_value(v);
  Mapping m;
  m.model = {r.model.substr(0, r.model.find('/')), r.model.substr(r.model.find('/') + 1), ""};
  m.input = json{{"inputs", render_prompt(style, trigger, r.prompt)}, {"parameters", params}}.dump();
  m.seed_at = "/parameters/seed";
  m.scope = "hf:" + r.model;
  return m;
}

// One planner: the provider maps the request to its model and input; the
// -n split, seeds and keys are the same for all (DESIGN §9).
std::vector<PlannedPrediction> Generator::plan(const GenerateRequest& r) {
  check_request_text(r);
  if (util::trim(r.prompt).empty()) throw util::usage_error("the prompt is empty");
  if (r.seed && (*r.seed < 0 || *r.seed > kMaxSeed))
    throw util::usage_error("the seed must be a whole number from 0 to " + std::to_string(kMaxSeed) + ", not " +
                            std::to_string(*r.seed));
  if (r.n < 1 || r.n > 1000) throw util::usage_error("-n must be from 1 to 1000");
  const Provider provider = parse_provider(r.provider);
  std::optional<Style> style;
  if (!r.style.empty()) style = find_style(config_, r.style);
  const Style* s = style ? &*style : nullptr;
  const Mapping m = provider == Provider::huggingface ? map_huggingface(r, s) : map_replicate(r, s);
  const json shared = json::parse(m.input);
  const json::json_pointer seed_at(m.seed_at);

  // "out" and "out/" are the same folder, and so the same request.
  auto out_dir = std::filesystem::absolute(r.out_dir).lexically_normal();
  if (out_dir.filename().empty()) out_dir = out_dir.parent_path();
  std::vector<PlannedPrediction> out;
  for (int done = 0, piece = 0; done < r.n; ++piece) {
    const int k = std::min(m.per_prediction, r.n - done);
    json input = shared;
    if (m.count_input || k > 1) input["num_outputs"] = k;
    // The key without the seed decides the seed; the key with it names the prediction.
    const std::string scope = m.scope + "\n" + out_dir.string() + "\n" + (r.id.empty() ? "" : "id=" + r.id) + "\n" +
                              std::to_string(piece) + (r.occurrence > 0 ? "\nrepeat=" + std::to_string(r.occurrence) : "");
    long long seed = -1;
    if (r.seed) seed = (*r.seed + piece) % (kMaxSeed + 1);  // the pieces' seeds stay in range
    else if (!input.contains(seed_at)) seed = derived_seed(scope + canonical_input(input.dump()));
    if (seed >= 0 && m.takes_seed) input[seed_at] = seed;
    PlannedPrediction p;
    p.provider = provider;
    p.model = m.model;
    p.input_json = input.dump();
    p.key = "gen:" + (r.id.empty() ? util::sha256_hex(scope + canonical_input(p.input_json)) : util::sha256_hex(scope));
    p.prompt = r.prompt;
    p.line_id = r.id;
    p.style = r.style;
    p.seed = input.contains(seed_at) && input[seed_at].is_number_integer() ? input[seed_at].get<long long>() : seed;
    p.out_dir = out_dir;
    p.upscale = r.upscale && provider == Provider::replicate;
    p.face_restore = r.face_restore && provider == Provider::replicate;
    p.first_image = done;
    out.push_back(std::move(p));
    done += k;
  }
  return out;
}

}  // namespace photoagent::workflows
