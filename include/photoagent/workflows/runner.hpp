#pragma once
// The one prediction runner every paid call goes through (DESIGN §4, §9):
//
//   intent row -> claim -> rate limit -> "sent" -> create (Prefer: wait)
//   -> Replicate id recorded at once -> poll with backoff until terminal
//   -> result recorded
//
// Running the same key again never pays twice: a finished row is returned
// as is, a row with an id is polled, and a row whose create had an unknown
// outcome (connection lost or 5xx after sending) is reconciled by listing
// recent predictions and matching model + input before any new create.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "photoagent/net/rate_limit.hpp"
#include "photoagent/net/retry.hpp"
#include "photoagent/services/replicate.hpp"
#include "photoagent/store/predictions.hpp"

namespace photoagent::workflows {

struct RunSpec {
  std::string key;  // idempotency key; prediction_key() derives one
  std::string purpose;
  services::replicate::ModelRef model;
  std::string input_json;  // as sent; data URIs and secrets are replaced before storing
  std::int64_t project_id = 0;
  std::int64_t image_id = 0;
  int wait_seconds = 60;                   // Prefer: wait=N on create
  std::chrono::seconds max_poll{15 * 60};  // then the row stays pending for a later run
  // Sees the row whenever it changes state (sent, id known, finished), e.g.
  // to copy it into a batch state file. Called without the database lock.
  std::function<void(const store::PredictionRow&)> on_change;
};

// What is stored and matched instead of the raw input: data URIs become
// their SHA-256, values of secret-looking keys (*_token, *_key, password,
// secret) become "[redacted]". Exposed for tests.
std::string canonical_input(const std::string& input_json);
std::string input_digest(const std::string& input_json);

// A stable key for purpose + model + input.
std::string prediction_key(const std::string& purpose, const services::replicate::ModelRef& model,
                           const std::string& input_json);

// The text of a language or captioning model's output ("a", ["a","b"] -> "ab").
std::string output_text(const std::string& output_json);

class PredictionRunner {
 public:
  PredictionRunner(store::Database& db, const services::Api& replicate, net::SlidingWindowLimiter& limiter,
                   net::Sleeper sleep = net::interruptible_sleep);

  // Thread-safe. Returns the row as finished, or still pending after max_poll.
  store::PredictionRow run(const RunSpec& spec);

  // Everyone sharing the runner's database connection takes this lock.
  std::mutex& db_mutex() { return db_mu_; }

  // Polls (or reconciles) a row left unfinished by an earlier run.
  store::PredictionRow resume(store::PredictionRow row, std::chrono::seconds max_poll);

 private:
  store::PredictionRow poll(store::PredictionRow row, std::chrono::seconds max_poll);
  std::optional<services::replicate::Prediction> reconcile(const store::PredictionRow& row);
  store::PredictionRow adopt(store::PredictionRow row, const services::replicate::Prediction& p);
  store::PredictionRow reread(std::int64_t id);

  // Latest versions of community models (no model route), found once per run.
  std::map<std::string, std::string> versions_;

  store::Database& db_;
  const services::Api& api_;
  net::SlidingWindowLimiter& limiter_;
  net::Sleeper sleep_;
  std::mutex db_mu_;
};

}  // namespace photoagent::workflows
