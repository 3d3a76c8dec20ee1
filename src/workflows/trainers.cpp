#include "photoagent/workflows/trainers.hpp"

#include <nlohmann/json.hpp>

#include "data_table_detail.hpp"

#include "photoagent/util/error.hpp"
#include "photoagent/util/strings.hpp"

namespace photoagent::workflows {
using nlohmann::json;

namespace {

// Built-in entries (replicate.md §7.2, §7.6). The flux trainer runs on H100
// ("Flux fine-tunes run on H100s", replicate.com/pricing); 1500 steps took
// 1675 s in a recorded run, about 1.1 s a step.
const json& builtins() {
  static const json table = json::parse(R"({
    "flux": {"model": "ostris/flux-dev-lora-trainer", "hardware": "gpu-h100",
             "base_model": "black-forest-labs/FLUX.1-dev", "seconds_per_step": 1.1,
             "inputs": {"images": "input_images", "trigger": "trigger_word", "steps": "steps", "rank": "lora_rank",
                        "lr": "learning_rate", "autocaption": "autocaption",
                        "autocaption_prefix": "autocaption_prefix", "resolution": "resolution"},
             "defaults": {"steps": 1000, "lora_rank": 16, "learning_rate": 0.0004, "batch_size": 1,
                          "resolution": "512,768,1024", "optimizer": "adamw8bit", "caption_dropout_rate": 0.05}},
    "sdxl": {"model": "stability-ai/sdxl", "hardware": "gpu-a40-large",
             "base_model": "stabilityai/stable-diffusion-xl-base-1.0", "seconds_per_step": 0.6,
             "inputs": {"images": "input_images", "trigger": "token_string", "steps": "max_train_steps",
                        "rank": "lora_rank", "lr": "lora_lr", "autocaption_prefix": "caption_prefix",
                        "resolution": "resolution"},
             "defaults": {"is_lora": true, "max_train_steps": 1000, "lora_rank": 32, "resolution": 768}}
  })");
  return table;
}

json table(const Config& config) { return detail::table_with_overrides(config, "trainers", builtins()); }

}  // namespace

std::string Trainer::input_name(const std::string& option) const {
  auto it = inputs.find(option);
  return it == inputs.end() ? std::string() : it->second;
}

std::vector<std::string> trainer_names(const Config& config) {
  std::vector<std::string> out;
  const json t = table(config);
  for (auto it = t.begin(); it != t.end(); ++it) out.push_back(it.key());
  return out;
}

Trainer find_trainer(const Config& config, const std::string& name) {
  const json t = table(config);
  if (!t.contains(name))
    throw util::usage_error("no trainer named '" + name + "'",
                            "Known trainers: " + util::join(trainer_names(config), ", ") + " (config key trainers).");
  const json& e = t[name];
  Trainer tr;
  tr.name = name;
  tr.model = e.value("model", "");
  if (tr.model.empty()) throw util::usage_error("trainer '" + name + "' has no model in config trainers");
  tr.version = e.value("version", "");
  tr.hardware = e.value("hardware", "");
  tr.base_model = e.value("base_model", "");
  tr.seconds_per_step = e.value("seconds_per_step", 1.0);
  if (auto in = e.find("inputs"); in != e.end() && in->is_object())
    for (auto it = in->begin(); it != in->end(); ++it)
      if (it->is_string()) tr.inputs[it.key()] = it->get<std::string>();
  if (tr.input_name("images").empty()) tr.inputs["images"] = "input_images";
  tr.defaults = e.contains("defaults") && e["defaults"].is_object() ? e["defaults"].dump() : "{}";
  return tr;
}

double price_per_second(const Config& config, const std::string& hardware) {
  // replicate.com/pricing: hardware per second, and official image models
  // per output image (keyed by model name).
  json prices = json::parse(R"({"cpu": 0.0001, "gpu-t4": 0.000225, "gpu-a40-small": 0.000575,
    "gpu-a40-large": 0.000725, "gpu-l40s": 0.000975, "gpu-a100-large": 0.0014, "gpu-h100": 0.001525,
    "gpu-h100-2x": 0.00305, "black-forest-labs/flux-schnell": 0.003, "black-forest-labs/flux-dev": 0.025})");
  const std::string extra = config.get_or_default("prices");
  if (!extra.empty()) {
    json j = json::parse(extra, nullptr, false);
    if (!j.is_object()) throw util::usage_error("config prices must be a JSON object of SKU: dollars per second");
    prices.merge_patch(j);
  }
  auto it = prices.find(hardware);
  return it != prices.end() && it->is_number() ? it->get<double>() : 0.0;
}

double prediction_cost(const Config& config, const std::string& model, double predict_seconds, std::size_t images) {
  if (double per_image = price_per_second(config, model); per_image > 0) return per_image * static_cast<double>(images);
  if (predict_seconds >= 0) return predict_seconds * price_per_second(config, "gpu-h100");
  return -1;
}

}  // namespace photoagent::workflows
