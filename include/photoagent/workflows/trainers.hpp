#pragma once
// Trainers are data, not code: a Replicate model, how photoagent's options
// map onto its inputs, its defaults, and what it costs. Two are built in
// (flux, sdxl); config key `trainers` (a JSON object) adds or overrides
// entries, e.g.
//   photoagent config set trainers '{"fast":{"model":"replicate/fast-flux-trainer",
//       "hardware":"gpu-h100","inputs":{"images":"input_images","trigger":"trigger_word"}}}'

#include <map>
#include <string>
#include <vector>

#include "photoagent/workflows/config.hpp"

namespace photoagent::workflows {

struct Trainer {
  std::string name;
  std::string model;         // owner/name
  std::string version;       // pinned version id, or "" for the latest
  std::string hardware;      // price-table SKU
  std::string base_model;    // for the model card, e.g. black-forest-labs/FLUX.1-dev
  double seconds_per_step = 1.0;  // for cost estimates
  // photoagent option -> trainer input name: images, trigger, steps, rank,
  // lr, autocaption, autocaption_prefix, resolution (absent = not supported).
  std::map<std::string, std::string> inputs;
  std::string defaults;  // JSON object of input defaults
  std::string input_name(const std::string& option) const;
};

std::vector<std::string> trainer_names(const Config& config);
// Throws util::Error (exit 2) listing the known names when `name` is unknown.
Trainer find_trainer(const Config& config, const std::string& name);

// Price of one second on a hardware SKU (config `prices` overrides; published
// per-second prices by default). 0 when unknown.
double price_per_second(const Config& config, const std::string& hardware);

// What a prediction cost or will cost: official image models by the image
// (price table keyed by model name), others by predict time on an H100 (as
// trained Flux LoRAs run). -1 when neither is known (e.g. before it ran).
double prediction_cost(const Config& config, const std::string& model, double predict_seconds, std::size_t images);

}  // namespace photoagent::workflows
