#pragma once
// Replicate predictions (reference/replicate.md). JSON payloads cross this
// header as text, so callers need not include nlohmann/json.

#include <stdexcept>
#include <string>
#include <vector>

#include "photoagent/services/api.hpp"
#include "photoagent/services/replicate/model_ref.hpp"

namespace photoagent::services::replicate {

struct Prediction {
  std::string id;
  std::string model;    // owner/name
  std::string version;
  std::string status;   // starting | processing | succeeded | failed | canceled | aborted
  std::string input;    // JSON text
  std::string output;   // JSON text ("null" while none)
  std::string error;
  std::string logs;
  std::string created_at;
  double predict_time = -1;  // seconds, when known
  bool data_removed = false;  // input, output and logs removed (after an hour)
  bool terminal() const;
  bool succeeded() const { return status == "succeeded"; }
};

// Terminal states, `aborted` included (the official clients miss it).
bool is_terminal_status(const std::string& status);

// A create whose outcome is unknown: the request went out, and the
// connection broke or the server failed (5xx) before a clear answer.
class MaybeCreated : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The model route refused a model run without a version: it is not an
// official model (Replicate answers 404, or 422 "Invalid version or not
// permitted"). Nothing was created; run it by version instead.
class NotOfficial : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Creates a prediction. With a version: POST /predictions; without (an
// official model): POST /models/{owner}/{name}/predictions, NotOfficial when
// the model has no such route. `wait_seconds` > 0
// sends `Prefer: wait=N`. Never retried after the request went out; throws
// MaybeCreated then, and util::Error when Replicate refused it.
Prediction create_prediction(const Api& api, const ModelRef& model, const std::string& input_json, int wait_seconds);

Prediction get_prediction(const Api& api, const std::string& id);
Prediction cancel_prediction(const Api& api, const std::string& id);

struct PredictionPage {
  std::vector<Prediction> items;
  std::string next;  // absolute URL of the next page, or ""
};
// GET /predictions?created_after=ISO[&created_before=ISO] (first page) or the
// `next` URL given.
PredictionPage list_predictions(const Api& api, const std::string& created_after, const std::string& next_url = {},
                                const std::string& created_before = {});

// Prediction from its JSON text (exposed for tests).
Prediction parse_prediction(const std::string& json_text);
// One page of GET /predictions ({results, next}); util::Error (exit 5) on any
// other shape, naming the field (e.g. `results[3].status`).
PredictionPage parse_prediction_page(const std::string& json_text);

}  // namespace photoagent::services::replicate
