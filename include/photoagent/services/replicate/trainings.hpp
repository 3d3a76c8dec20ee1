#pragma once
// Replicate trainings (reference/replicate.md). JSON payloads cross this
// header as text, so callers need not include nlohmann/json.

#include <optional>
#include <string>
#include <vector>

#include "photoagent/services/api.hpp"
#include "photoagent/services/replicate/model_ref.hpp"
#include "photoagent/services/replicate/predictions.hpp"  // is_terminal_status, MaybeCreated

namespace photoagent::services::replicate {

struct Training {
  std::string id, model, version, status, input, error, logs;
  std::string output_version;  // "owner/name:<64-hex>" on success
  std::string weights_url;
  std::string created_at, started_at, completed_at;
  double predict_time = -1;
  bool data_removed = false;
  bool terminal() const { return is_terminal_status(status); }
};
Training parse_training(const std::string& json_text);

// POST /models/{trainer}/versions/{version}/trainings. Like
// create_prediction: MaybeCreated when the outcome is unknown.
Training create_training(const Api& api, const ModelRef& trainer, const std::string& destination,
                         const std::string& input_json);
Training get_training(const Api& api, const std::string& id);
Training cancel_training(const Api& api, const std::string& id);
struct TrainingPage {
  std::vector<Training> items;
  std::string next;
};
// One page of GET /trainings; util::Error (exit 5) naming the field on any other shape.
TrainingPage parse_training_page(const std::string& json_text);
TrainingPage list_trainings(const Api& api, const std::string& next_url = {});

// Progress of a trainer from its tqdm log lines ("... 45%|####  | 450/1000 [...]"):
// the last match, 0..1; nothing before the bar appears.
std::optional<double> progress_from_logs(const std::string& logs);

}  // namespace photoagent::services::replicate
