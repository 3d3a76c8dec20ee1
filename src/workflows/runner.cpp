#include "photoagent/workflows/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>
#include <regex>

#include "photoagent/util/error.hpp"
#include "photoagent/util/hash.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/util/time.hpp"

namespace photoagent::workflows {
using nlohmann::json;
using services::replicate::Prediction;
using std::chrono::milliseconds;

namespace {

bool secret_key(const std::string& key) {
  const std::string k = util::to_lower(key);
  return k.ends_with("_token") || k.ends_with("_key") || k == "token" || k == "password" ||
         k.find("secret") != std::string::npos;
}

void canonicalise(json& j) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (secret_key(it.key()) && !it->is_null()) *it = "[redacted]";
      else canonicalise(*it);
    }
  } else if (j.is_array()) {
    for (auto& x : j) canonicalise(x);
  } else if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s.starts_with("data:")) j = "data:sha256," + util::sha256_hex(s);
  }
}

// ISO 8601 (Replicate's "2026-11-21T05:31:59.123456Z" or ours) minus `seconds`.
std::string iso_minus(const std::string& iso, int seconds) {
  std::tm tm{};
  if (strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return "";
  return util::iso8601(static_cast<std::int64_t>(timegm(&tm)) - seconds);
}

}  // namespace

std::string canonical_input(const std::string& input_json) {
  json j = json::parse(input_json, nullptr, false);
  if (j.is_discarded()) throw util::failure("internal: prediction input is not JSON");
  canonicalise(j);
  return j.dump();
}

std::string input_digest(const std::string& input_json) { return util::sha256_hex(canonical_input(input_json)); }

std::string prediction_key(const std::string& purpose, const services::replicate::ModelRef& model,
                           const std::string& input_json) {
  return purpose + ":" + util::sha256_hex(model.full() + "\n" + model.version + "\n" + canonical_input(input_json));
}

std::string output_text(const std::string& output_json) {
  json j = json::parse(output_json, nullptr, false);
  if (j.is_string()) return j.get<std::string>();
  std::string out;
  if (j.is_array())
    for (const auto& x : j)
      if (x.is_string()) out += x.get<std::string>();
  return out;
}

PredictionRunner::PredictionRunner(store::Database& db, const services::Api& api, net::SlidingWindowLimiter& limiter,
                                   net::Sleeper sleep)
    : db_(db), api_(api), limiter_(limiter), sleep_(std::move(sleep)) {}

store::PredictionRow PredictionRunner::reread(std::int64_t id) {
  std::lock_guard lock(db_mu_);
  return *store::find_prediction_by_id(db_, id);
}

store::PredictionRow PredictionRunner::adopt(store::PredictionRow row, const Prediction& p) {
  std::lock_guard lock(db_mu_);
  store::set_prediction_replicate_id(db_, row.id, p.id, p.status.empty() ? "starting" : p.status);
  // Sync mode (Prefer: wait) answers "processing" with the output already
  // there: accept any status but "starting" once output is present, as the
  // official clients do (DESIGN §9), instead of polling once more.
  const bool has_output = !p.output.empty() && p.output != "null";
  if (p.terminal()) store::finish_prediction(db_, row.id, p.status, p.output, p.error, p.predict_time);
  else if (has_output && p.status != "starting")
    store::finish_prediction(db_, row.id, "succeeded", p.output, "", p.predict_time);
  return *store::find_prediction_by_id(db_, row.id);
}

std::optional<Prediction> PredictionRunner::reconcile(const store::PredictionRow& row) {
  const std::string since = iso_minus(row.created_at, 120);
  std::string next;
  for (int page = 0; page < 20; ++page) {
    auto p = services::replicate::list_predictions(api_, since, next);
    for (const auto& remote : p.items) {
      if (remote.model != row.model) continue;
      if (!row.version.empty() && !remote.version.empty() && remote.version != row.version) continue;
      if (input_digest(remote.input) != row.input_digest) continue;
      std::lock_guard lock(db_mu_);
      // Two identical intents must not adopt the same prediction.
      if (auto owner = store::find_prediction_by_replicate_id(db_, remote.id); owner && owner->id != row.id) continue;
      return remote;
    }
    if (p.next.empty()) break;
    next = p.next;
  }
  return std::nullopt;
}

store::PredictionRow PredictionRunner::poll(store::PredictionRow row, std::chrono::seconds max_poll) {
  const auto deadline = std::chrono::steady_clock::now() + max_poll;
  milliseconds delay(500);
  while (!services::replicate::is_terminal_status(row.status)) {
    if (std::chrono::steady_clock::now() >= deadline) return row;
    sleep_(delay);
    delay = std::min(milliseconds(static_cast<long long>(delay.count() * 1.5)), milliseconds(5000));
    auto p = services::replicate::get_prediction(api_, row.replicate_id);
    std::lock_guard lock(db_mu_);
    if (p.terminal()) store::finish_prediction(db_, row.id, p.status, p.output, p.error, p.predict_time);
    else if (p.status != row.status) store::set_prediction_replicate_id(db_, row.id, row.replicate_id, p.status);
    row = *store::find_prediction_by_id(db_, row.id);
  }
  return row;
}

store::PredictionRow PredictionRunner::resume(store::PredictionRow row, std::chrono::seconds max_poll) {
  if (services::replicate::is_terminal_status(row.status)) return row;
  if (row.replicate_id.empty()) {
    if (row.status != "sent") return row;  // never sent: nothing to resume
    auto found = reconcile(row);
    if (!found) return row;
    row = adopt(row, *found);
  }
  return poll(row, max_poll);
}

store::PredictionRow PredictionRunner::run(const RunSpec& spec) {
  const std::int64_t pid = ::getpid();
  store::PredictionRow row;
  {
    store::PredictionRow intent;
    intent.key = spec.key;
    intent.purpose = spec.purpose;
    intent.model = spec.model.full();
    intent.version = spec.model.version;
    intent.input = canonical_input(spec.input_json);
    intent.input_digest = util::sha256_hex(intent.input);
    intent.project_id = spec.project_id;
    intent.image_id = spec.image_id;
    intent.claimed_by = pid;
    std::lock_guard lock(db_mu_);
    row = store::insert_prediction_intent(db_, intent);
    // A prediction that failed on Replicate is tried again when asked again
    // (only successes are never paid twice); the failed row stays as history.
    if (row.status == "failed" || row.status == "canceled" || row.status == "aborted") {
      store::retire_prediction_key(db_, row.id);
      row = store::insert_prediction_intent(db_, intent);
    }
  }
  auto model = spec.model;
  if (!row.version.empty()) {
    model.version = row.version;
  } else if (model.version.empty()) {
    std::lock_guard lock(db_mu_);
    if (auto it = versions_.find(model.full()); it != versions_.end() && row.status == "intent") {
      model.version = it->second;
      store::set_prediction_version(db_, row.id, model.version);
      row.version = model.version;
    }
  }
  for (int attempt = 0;; ++attempt) {
    if (services::replicate::is_terminal_status(row.status)) return row;
    if (!row.replicate_id.empty()) return poll(row, spec.max_poll);
    {
      std::unique_lock lock(db_mu_);
      if (!store::claim_prediction(db_, row.id, pid)) {
        // Another live photoagent is creating this one: wait for its id.
        lock.unlock();
        sleep_(milliseconds(1000));
        row = reread(row.id);
        continue;
      }
    }
    if (row.status == "sent") {
      if (auto found = reconcile(row)) {
        row = adopt(row, *found);
        continue;
      }
      if (attempt >= 3)
        throw util::remote_error("could not confirm whether Replicate started prediction '" + row.key + "'",
                                 "Run the same command again: it checks Replicate's list before creating anything.");
    }
    limiter_.acquire();
    {
      std::lock_guard lock(db_mu_);
      store::mark_prediction_sent(db_, row.id);
      row = *store::find_prediction_by_id(db_, row.id);
    }
    if (spec.on_change) spec.on_change(row);
    try {
      auto p = services::replicate::create_prediction(api_, model, spec.input_json, spec.wait_seconds);
      row = adopt(row, p);
      if (spec.on_change) spec.on_change(row);
    } catch (const services::replicate::MaybeCreated&) {
      sleep_(milliseconds(1000));  // let the list catch up before reconciling
      continue;
    } catch (const util::Error& e) {
      // Ctrl-C mid-request: the create may have gone out. The row stays
      // "sent" and the next run reconciles it; deleting it would pay twice.
      if (e.code() == util::ExitCode::interrupted || e.code() == util::ExitCode::terminated) throw;
      if (e.code() == util::ExitCode::not_found && model.version.empty()) {
        // Community models have no model route: run their latest version.
        model.version = services::replicate::latest_version(api_, model);
        if (model.version.empty()) throw;
        std::lock_guard lock(db_mu_);
        versions_[model.full()] = model.version;
        store::set_prediction_version(db_, row.id, model.version);
        row = *store::find_prediction_by_id(db_, row.id);
        continue;
      }
      // Refused outright (401, 402, 404, 422, 429 after retries): nothing was
      // created, so the intent goes and the next run starts clean.
      std::lock_guard lock(db_mu_);
      store::delete_prediction(db_, row.id);
      throw;
    }
  }
}

}  // namespace photoagent::workflows
