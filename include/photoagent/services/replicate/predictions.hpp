#pragma once
// Replicate's HTTP API (reference/replicate.md). JSON payloads cross this
// header as text, so callers need not include nlohmann/json.

#include <cstdint>
#include <filesystem>
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

// --- models (destinations of trainings) ---
struct Model {
  std::string owner, name, visibility, latest_version;
  bool is_official = false;  // runs through the model route without a version
};
// GET /models/{owner}/{name}; nothing when it does not exist (404).
std::optional<Model> find_model(const Api& api, const ModelRef& ref);
// POST /models (201).
Model create_model(const Api& api, const std::string& owner, const std::string& name, const std::string& visibility,
                   const std::string& hardware, const std::string& description);

// The input a model version takes (its openapi_schema's Input): property
// names, and the most outputs one prediction may make (num_outputs maximum).
struct InputSchema {
  std::vector<std::string> properties;
  int max_outputs = 1;
  bool has(const std::string& name) const;
};
// GET .../versions/{id} (or the model's latest version when the ref has none).
InputSchema input_schema(const Api& api, const ModelRef& ref);

// --- files ---
struct UploadedFile {
  std::string id, url, sha256, expires_at;
  std::uint64_t size = 0;
};
// POST /files (multipart, streamed from disk). Checks the returned sha256
// against `sha256`. 413 (over Replicate's 100 MiB limit) says what to do.
UploadedFile upload_file(const Api& api, const std::filesystem::path& file, const std::string& content_type,
                         const std::string& sha256);

// --- trainings ---
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
TrainingPage list_trainings(const Api& api, const std::string& next_url = {});

// Progress of a trainer from its tqdm log lines ("... 45%|####  | 450/1000 [...]"):
// the last match, 0..1; nothing before the bar appears.
std::optional<double> progress_from_logs(const std::string& logs);

}  // namespace photoagent::services::replicate
