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
// the predictions created around it and matching the input (reconcile.hpp;
// never the model or version, which Replicate rewrites). When that cannot
// decide, the row becomes "unknown" and is re-created only on request
// (retry_unknown). A success whose outputs Replicate removed before we had
// them is "expired", re-created only on request (retry_expired).

#include <chrono>
#include <cstdint>
#include <functional>
#include <condition_variable>
#include <map>
#include <memory>
#include <set>
#include <optional>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "photoagent/net/rate_limit.hpp"
#include "photoagent/net/retry.hpp"
#include "photoagent/services/replicate/model_ref.hpp"
#include "photoagent/services/replicate/predictions.hpp"
#include "photoagent/util/clock.hpp"
#include "photoagent/workflows/backend.hpp"
#include "photoagent/store/predictions.hpp"

namespace photoagent::workflows {

class SpendCap;

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
  // to copy it into a batch state file. Called without the database lock;
  // for "sent" it is called before the create goes out.
  std::function<void(const store::PredictionRow&)> on_change;
  // Stored with the intent (generations), so no later write is needed.
  std::optional<store::GenerationInfo> generation;
  bool retry_unknown = false;  // re-create a row whose create could not be confirmed
  bool retry_expired = false;  // re-create a success whose outputs were removed
};

// The message of an "unknown" or "expired" row, with what to do.
std::string unknown_message(const store::PredictionRow& row);
std::string expired_message();

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
  // Replicate through `replicate`, or any backend.
  PredictionRunner(store::Database& db, std::unique_ptr<PredictionBackend> backend, net::SlidingWindowLimiter& limiter,
                   net::Sleeper sleep = net::interruptible_sleep, const util::Clock& clock = util::system_clock());
  PredictionRunner(store::Database& db, const services::Api& replicate, net::SlidingWindowLimiter& limiter,
                   net::Sleeper sleep = net::interruptible_sleep);

  // Thread-safe. Returns the row as finished, or still pending after max_poll.
  store::PredictionRow run(const RunSpec& spec);

  // Polls (or reconciles) a row left unfinished by an earlier run.
  store::PredictionRow resume(store::PredictionRow row, std::chrono::seconds max_poll);

  // Marks a succeeded row whose outputs are gone (removed, 404) "expired".
  store::PredictionRow mark_expired(const store::PredictionRow& row);

  // Fills in the run time of succeeded rows that have none (a sync answer
  // carries no metrics): one list page per 100 predictions, then a GET for
  // any the list did not show, at most `max_gets`. Returns how many it
  // filled. Failures leave the rows for a later call.
  int fetch_predict_times(std::vector<store::PredictionRow> rows, int max_gets = 200);

  // Every create asks `cap` first (spend_cap.hpp); a create it refuses is
  // not sent: its intent row goes and run() returns it with status "intent"
  // and the cap's word in `error`. Null: no cap.
  void set_spend_cap(SpendCap* cap) { cap_ = cap; }

 private:
  enum class Outcome { adopted, not_found, unknown };
  store::PredictionRow poll(store::PredictionRow row, std::chrono::seconds max_poll);
  Outcome reconcile(store::PredictionRow& row);
  store::PredictionRow adopt(const store::PredictionRow& row, const services::replicate::Prediction& p);
  store::PredictionRow reread(std::int64_t id);
  store::PredictionRow retire_and_insert(const store::PredictionRow& row, const store::PredictionRow& intent,
                                         const RunSpec& spec);

  // One thread per key at a time in this process (other processes are kept
  // out by the row's claim): a second thread asking for the same prediction
  // waits for the first and then finds its result, instead of seeing the
  // row "sent" and creating it again.
  class KeyTurn {
   public:
    KeyTurn(PredictionRunner& r, std::string key);
    ~KeyTurn();
    KeyTurn(const KeyTurn&) = delete;
    KeyTurn& operator=(const KeyTurn&) = delete;

   private:
    PredictionRunner& r_;
    std::string key_;
  };
  std::mutex keys_mu_;
  std::condition_variable keys_cv_;
  std::set<std::string> keys_;


  store::Database& db_;
  std::unique_ptr<PredictionBackend> backend_;
  net::SlidingWindowLimiter& limiter_;
  net::Sleeper sleep_;
  const util::Clock& clock_;  // poll deadlines
  SpendCap* cap_ = nullptr;
};

}  // namespace photoagent::workflows
