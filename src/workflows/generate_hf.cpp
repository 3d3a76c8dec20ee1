// --provider huggingface: text-to-image on Hugging Face's inference router.
// No job ids exist there, so the record is ours alone: a finished request is
// never asked again, and an interrupted one is simply asked again (the cost
// is one inference call, not a GPU-minute bill).

#include <cmath>
#include <map>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <regex>

#include "photoagent/services/huggingface.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/hash.hpp"
#include "photoagent/workflows/generate.hpp"
#include "photoagent/workflows/styles.hpp"

namespace photoagent::workflows {
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// "3:4" -> 768x1024 (long side 1024, multiples of 8).
std::pair<int, int> size_for(const std::string& aspect) {
  static const std::regex shape(R"(^(\d{1,3}):(\d{1,3})$)");
  std::smatch m;
  if (!std::regex_match(aspect, m, shape)) throw util::usage_error("--aspect takes W:H, e.g. 3:4, not '" + aspect + "'");
  const double w = std::stod(m[1]), h = std::stod(m[2]);
  if (w <= 0 || h <= 0) throw util::usage_error("--aspect takes W:H with both above 0");
  auto side = [](double v) { return std::max(64, static_cast<int>(std::lround(v / 8)) * 8); };
  return w >= h ? std::pair{1024, side(1024 * h / w)} : std::pair{side(1024 * w / h), 1024};
}

// hf-inference serves few models: ask the Hub once per model and process
// (a batch of many lines names the same model), before anything runs.
void check_served(const services::Api& inference, const std::string& model) {
  static std::mutex mu;
  static std::map<std::string, std::optional<util::Error>> seen;
  const services::Api hub = inference.rebased({});
  const std::string key = hub.base() + "\n" + model;
  std::lock_guard lock(mu);
  auto it = seen.find(key);
  if (it == seen.end()) {
    std::optional<util::Error> refusal;
    try {
      services::huggingface::require_hf_inference(hub, model);
    } catch (const util::Error& e) {
      // Only the Hub's answer is kept; a failure to ask is asked again.
      if (e.code() != util::ExitCode::usage && e.code() != util::ExitCode::not_found) throw;
      refusal = e;
    }
    it = seen.emplace(key, std::move(refusal)).first;
  }
  if (it->second) throw *it->second;
}

}  // namespace

std::vector<PlannedPrediction> Generator::plan_hf(const GenerateRequest& r) {
  static const std::regex repo_shape(R"(^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$)");
  if (!std::regex_match(r.model, repo_shape))
    throw util::usage_error("--provider huggingface needs --model OWNER/NAME (a Hub model repo)",
                            "e.g. --provider huggingface --model stabilityai/stable-diffusion-3-medium-diffusers");
  if (hf_ != nullptr) check_served(*hf_, r.model);
  std::optional<Style> style;
  if (!r.style.empty()) style = find_style(config_, r.style);
  // The trigger word only means something to the project's own LoRA repo.
  const std::string trigger = project_ && project_->hf_repo == r.model ? project_->trigger : "";
  json params = json::object();
  const std::string negative = !r.negative.empty() ? r.negative : style ? style->negative : "";
  if (!negative.empty()) params["negative_prompt"] = negative;
  const std::string aspect = !r.aspect.empty() ? r.aspect : style ? style->aspect_ratio : "";
  if (!aspect.empty()) std::tie(params["width"], params["height"]) = size_for(aspect);
  if (r.steps > 0) params["num_inference_steps"] = r.steps;
  if (r.guidance >= 0) params["guidance_scale"] = r.guidance;
  for (const auto& [k, v] : r.inputs) {
    json value = json::parse(v, nullptr, false);
    params[k] = value.is_discarded() ? json(v) : value;
  }
  auto out_dir = fs::absolute(r.out_dir).lexically_normal();
  if (out_dir.filename().empty()) out_dir = out_dir.parent_path();
  const std::string prompt = render_prompt(style ? &*style : nullptr, trigger, r.prompt);
  std::vector<PlannedPrediction> out;
  for (int i = 0; i < r.n; ++i) {
    json body = {{"inputs", prompt}, {"parameters", params}};
    const std::string scope = "hf:" + r.model + "\n" + out_dir.string() + "\n" + (r.id.empty() ? "" : "id=" + r.id) +
                              "\n" + std::to_string(i) +
                              (r.occurrence > 0 ? "\nrepeat=" + std::to_string(r.occurrence) : "");
    long long seed = r.seed ? *r.seed + i
                            : static_cast<long long>(std::stoull(util::sha256_hex(scope + body.dump()).substr(0, 8), nullptr, 16) & 0x7fffffff);
    body["parameters"]["seed"] = seed;
    PlannedPrediction p;
    p.provider = "huggingface";
    p.model = {r.model.substr(0, r.model.find('/')), r.model.substr(r.model.find('/') + 1), ""};
    p.input_json = body.dump();
    p.key = "gen:" + util::sha256_hex(r.id.empty() ? scope + body.dump() : scope);
    p.prompt = r.prompt;
    p.line_id = r.id;
    p.style = r.style;
    p.seed = seed;
    p.out_dir = out_dir;
    out.push_back(std::move(p));
  }
  return out;
}

GenerateResult Generator::run_hf(const PlannedPrediction& p) {
  GenerateResult res;
  res.plan = p;
  if (hf_ == nullptr) {
    res.error = "no Hugging Face credentials: run 'photoagent login --huggingface'";
    return res;
  }
  store::PredictionRow row;
  {
    if (auto done = store::find_prediction(db_, p.key); done && done->status == "succeeded") {
      json files = json::parse(store::prediction_files(db_, done->id), nullptr, false);
      bool all_there = files.is_array() && !files.empty();
      for (const auto& f : files) all_there = all_there && f.is_string() && fs::exists(f.get<std::string>());
      if (all_there) {
        res.row = *done;
        for (const auto& f : files) res.files.push_back(f.get<std::string>());
        return res;  // asked and answered before: nothing is spent again
      }
    }
    store::PredictionRow intent;
    intent.key = p.key;
    intent.purpose = "generate";
    intent.model = "hf:" + p.model.full();
    intent.input = canonical_input(p.input_json);
    intent.input_digest = util::sha256_hex(intent.input);
    intent.project_id = project_ ? project_->id : 0;
    const store::GenerationInfo generation{p.prompt, p.style, p.out_dir.string(), p.seed};
    row = store::insert_prediction_intent(db_, intent, &generation);
    row = store::mark_prediction_sent(db_, row.id);
  }
  try {
    std::string bytes = services::huggingface::text_to_image(*hf_, p.model.full(), p.input_json);
    const std::string stem = (project_ ? project_->name : p.model.name) + "-" + p.key.substr(p.key.find(':') + 1, 10);
    std::vector<store::Image> cached(1);
    res.files.push_back(save_output(std::move(bytes), row, p.out_dir, stem + "-0", p.prompt, &cached[0]));
    store::finish_prediction(db_, row.id, "succeeded", "[]", "", -1);
    store::record_generated_images(db_, row.id, project_ ? cached : std::vector<store::Image>{}, json(res.files).dump());
    res.row = *store::find_prediction_by_id(db_, row.id);
  } catch (const util::Error& e) {
    if (e.is_interruption()) throw;
    store::finish_prediction(db_, row.id, "failed", "", e.message(), -1);
    res.row = *store::find_prediction_by_id(db_, row.id);
    res.error = e.message();
  }
  return res;
}

}  // namespace photoagent::workflows
