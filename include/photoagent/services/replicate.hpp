#pragma once
// Replicate's HTTP API (reference/replicate.md). JSON payloads cross this
// header as text, so callers need not include nlohmann/json.

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "photoagent/services/api.hpp"

namespace photoagent::services::replicate {

struct Account {
  std::string type;      // "user" | "organization"
  std::string username;  // the owner of models we create
  std::string name;
};

// GET /account: verifies the token and names its owner.
Account get_account(const Api& api);

// "owner/name" or "owner/name:version".
struct ModelRef {
  std::string owner;
  std::string name;
  std::string version;  // 64-hex id, or "" for the latest / an official model
  std::string full() const { return owner + "/" + name; }
};
// Parses a reference; util::Error (exit 2) with the expected shape otherwise.
ModelRef parse_model_ref(const std::string& ref);

// GET /models/{owner}/{name}: the latest version id ("" when it has none).
// Throws util::Error (exit 3) when the model does not exist.
std::string latest_version(const Api& api, const ModelRef& model);

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

// Creates a prediction. With a version: POST /predictions; without (an
// official model): POST /models/{owner}/{name}/predictions. `wait_seconds` > 0
// sends `Prefer: wait=N`. Never retried after the request went out; throws
// MaybeCreated then, and util::Error when Replicate refused it.
Prediction create_prediction(const Api& api, const ModelRef& model, const std::string& input_json, int wait_seconds);

Prediction get_prediction(const Api& api, const std::string& id);
Prediction cancel_prediction(const Api& api, const std::string& id);

struct PredictionPage {
  std::vector<Prediction> items;
  std::string next;  // absolute URL of the next page, or ""
};
// GET /predictions?created_after=ISO (first page) or the `next` URL given.
PredictionPage list_predictions(const Api& api, const std::string& created_after, const std::string& next_url = {});

// Prediction from its JSON text (exposed for tests).
Prediction parse_prediction(const std::string& json_text);

}  // namespace photoagent::services::replicate
