#include "photoagent/workflows/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "photoagent/services/replicate/model_ref.hpp"
#include "photoagent/services/replicate/predictions.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/hash.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/util/time.hpp"
#include "photoagent/workflows/reconcile.hpp"
#include "photoagent/workflows/spend_cap.hpp"

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

// An ISO 8601 time shifted by `seconds` ("" when it does not parse).
std::string iso_shift(const std::string& iso, int seconds) {
  auto t = util::parse_iso8601(iso);
  return t ? util::iso8601(*t + seconds) : std::string();
}

bool has_output(const std::string& out) {
  return !out.empty() && out != "null" && out != "[]" && out != "\"\"" && out != "{}";
}

using store::PredictionStatus;
using store::settled;

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

std::string unknown_message(const store::PredictionRow& row) {
  const std::string where =
      row.replicate_id.empty() ? "https://replicate.com/predictions" : "https://replicate.com/p/" + row.replicate_id;
  return "could not confirm whether Replicate started this prediction (the answer to its create was lost and"
         " Replicate's list cannot tell); check " + where +
         ", then rerun with --retry-unknown to create it again (that may pay twice)";
}

std::string expired_message() {
  return "outputs expired on Replicate after 1 hour; rerun with --retry-expired to pay again";
}

PredictionRunner::PredictionRunner(store::Database& db, const services::Api& api, net::SlidingWindowLimiter& limiter,
                                   net::Sleeper sleep)
    : PredictionRunner(db, replicate_backend(api), limiter, std::move(sleep)) {}

PredictionRunner::PredictionRunner(store::Database& db, std::unique_ptr<PredictionBackend> backend,
                                   net::SlidingWindowLimiter& limiter, net::Sleeper sleep, const util::Clock& clock)
    : db_(db), backend_(std::move(backend)), limiter_(limiter), sleep_(std::move(sleep)), clock_(clock) {}

PredictionRunner::KeyTurn::KeyTurn(PredictionRunner& r, std::string key) : r_(r), key_(std::move(key)) {
  std::unique_lock lock(r_.keys_mu_);
  r_.keys_cv_.wait(lock, [&] { return !r_.keys_.count(key_); });
  r_.keys_.insert(key_);
}

PredictionRunner::KeyTurn::~KeyTurn() {
  {
    std::lock_guard lock(r_.keys_mu_);
    r_.keys_.erase(key_);
  }
  r_.keys_cv_.notify_all();
}

store::PredictionRow PredictionRunner::reread(std::int64_t id) {
  return *store::find_prediction_by_id(db_, id);
}

namespace {
store::PredictionAnswer answer_from(const Prediction& p) {
  store::PredictionAnswer a;
  a.replicate_id = p.id;
  a.status = p.status.empty() ? PredictionStatus::starting : store::parse_prediction_status(p.status);
  a.output = p.output;
  a.error = p.error;
  a.predict_time = p.predict_time;
  // Sync mode (Prefer: wait) answers "processing" with the output already
  // there: accept any status but "starting" once output is present, as the
  // official clients do (DESIGN §9, §10); the run time is fetched later.
  if (!p.terminal() && has_output(p.output) && a.status != PredictionStatus::starting) a.status = PredictionStatus::succeeded;
  // Succeeded, but Replicate already removed what it made (after an hour).
  if (a.status == PredictionStatus::succeeded && !has_output(p.output) && p.data_removed) {
    a.status = PredictionStatus::expired;
    a.error = expired_message();
  }
  return a;
}
}  // namespace

namespace {
// An answer naming a prediction another row already holds cannot be this
// row's (Replicate never reuses an id): the answer is broken. Whether this
// create took effect is not known, so the row becomes "unknown", a failed
// item with that message, instead of an exception that stops the batch.
std::optional<store::PredictionRow> clash(store::Database& db, const store::PredictionRow& row, const std::string& id) {
  if (id.empty() || id == row.replicate_id) return std::nullopt;
  const auto owner = store::find_prediction_by_replicate_id(db, id);
  if (!owner || owner->id == row.id) return std::nullopt;
  return store::set_prediction_state(
      db, row.id, PredictionStatus::unknown,
      "the service answered with prediction " + id + ", which another item (row " + std::to_string(owner->id) +
          ") already holds; whether this one was created is unknown (--retry-unknown creates it again)");
}
}  // namespace

store::PredictionRow PredictionRunner::adopt(const store::PredictionRow& row, const Prediction& p) {
  if (auto refused = clash(db_, row, p.id)) return *refused;
  try {
    return store::record_prediction_answer(db_, row.id, answer_from(p));
  } catch (const std::exception&) {
    if (auto refused = clash(db_, row, p.id)) return *refused;  // another item recorded the same id meanwhile
    throw;
  }
}

store::PredictionRow PredictionRunner::mark_expired(const store::PredictionRow& row) {
  return store::set_prediction_state(db_, row.id, PredictionStatus::expired, expired_message());
}

PredictionRunner::Outcome PredictionRunner::reconcile(store::PredictionRow& row) {
  // A service that keeps no jobs has nothing to find: the request is asked
  // again (its cost is one synchronous call, not a job that runs on).
  if (!backend_->keeps_jobs()) return Outcome::not_found;
  // The create went out at sent_at; whatever it made was created within the
  // request's lifetime (a wait of up to a minute): list that window only,
  // with room for clock skew.
  const std::string anchor = row.sent_at.empty() ? row.created_at : row.sent_at;
  const std::string after = iso_shift(anchor, -120);
  const std::string before = iso_shift(anchor, 600);
  std::vector<Candidate> candidates;
  std::map<std::string, Prediction> seen;
  try {
    std::string next;
    bool exact = false;
    for (int page = 0; page < 50 && !exact; ++page) {
      auto p = backend_->list(after, next, before);
      for (const auto& remote : p.items) {
        const auto m = match_input(row.input, remote.input, remote.data_removed);
        if (m == InputMatch::none) continue;
        {
          // Two identical intents must not adopt the same prediction.
          if (auto owner = store::find_prediction_by_replicate_id(db_, remote.id); owner && owner->id != row.id) continue;
        }
        candidates.push_back({remote.id, m});
        seen.emplace(remote.id, remote);
        if (m == InputMatch::exact) {
          exact = true;
          break;
        }
      }
      if (p.next.empty()) break;
      next = p.next;
    }
  } catch (const util::Error& e) {
    if (e.is_interruption()) throw;
    row = store::set_prediction_state(db_, row.id, PredictionStatus::unknown, unknown_message(row) + " [list failed: " + e.message() + "]");
    return Outcome::unknown;
  }
  std::string chosen;
  switch (decide(candidates, chosen)) {
    case Verdict::found:
      // Another row of ours may have taken it meanwhile: then it is not ours.
      if (auto adopted = store::adopt_prediction(db_, row.id, answer_from(seen.at(chosen)))) {
        row = *adopted;
        return Outcome::adopted;
      }
      break;
    case Verdict::unknown: {
      row = store::set_prediction_state(db_, row.id, PredictionStatus::unknown, unknown_message(row));
      return Outcome::unknown;
    }
    case Verdict::not_found: break;
  }
  return Outcome::not_found;
}

store::PredictionRow PredictionRunner::poll(store::PredictionRow row, std::chrono::seconds max_poll) {
  const auto deadline = clock_.steady_now() + max_poll;
  milliseconds delay(500);
  while (!settled(row.status)) {
    if (clock_.steady_now() >= deadline) return row;
    sleep_(delay);
    delay = std::min(milliseconds(static_cast<long long>(delay.count() * 1.5)), milliseconds(5000));
    auto p = backend_->get(row.replicate_id);
    if (p.terminal() || store::parse_prediction_status(p.status) != row.status) {
      if (!p.terminal()) p.output = "null";  // partial outputs while running are not a result
      row = adopt(row, p);
    }
  }
  return row;
}

store::PredictionRow PredictionRunner::resume(store::PredictionRow row, std::chrono::seconds max_poll) {
  if (settled(row.status) && row.status != PredictionStatus::unknown) return row;
  KeyTurn turn(*this, row.key);
  row = reread(row.id);
  if (row.replicate_id.empty()) {
    if (row.status == PredictionStatus::intent) return row;  // never sent: nothing to resume
    if (reconcile(row) != Outcome::adopted) return row;
  }
  return poll(row, max_poll);
}

store::PredictionRow PredictionRunner::retire_and_insert(const store::PredictionRow& row,
                                                         const store::PredictionRow& intent, const RunSpec& spec) {
  store::retire_prediction_key(db_, row.id);  // the old row stays as history
  return store::insert_prediction_intent(db_, intent, spec.generation ? &*spec.generation : nullptr);
}

store::PredictionRow PredictionRunner::run(const RunSpec& spec) {
  const std::int64_t pid = ::getpid();
  store::PredictionRow intent;
  intent.key = spec.key;
  intent.purpose = spec.purpose;
  // Rows of Hugging Face inference say so: its repos share Replicate's names.
  intent.model = (backend_->provider() == Provider::huggingface ? "hf:" : "") + spec.model.full();
  intent.version = spec.model.version;
  intent.input = canonical_input(spec.input_json);
  intent.input_digest = util::sha256_hex(intent.input);
  intent.project_id = spec.project_id;
  intent.image_id = spec.image_id;
  intent.claimed_by = pid;
  KeyTurn turn(*this, spec.key);
  store::PredictionRow row;
  {
    row = store::insert_prediction_intent(db_, intent, spec.generation ? &*spec.generation : nullptr);
  }
  // A prediction that failed on Replicate is tried again when asked again
  // (only successes are never paid twice); expired and unknown ones only
  // when the flag says so.
  if (store::finished(row.status) && row.status != PredictionStatus::succeeded) {
    row = retire_and_insert(row, intent, spec);
  } else if (row.status == PredictionStatus::expired) {
    if (!spec.retry_expired) return row;
    row = retire_and_insert(row, intent, spec);
  } else if (row.status == PredictionStatus::unknown && row.replicate_id.empty()) {
    // Look once more (the list may be readable now); create only on request.
    const auto outcome = reconcile(row);
    if (outcome == Outcome::adopted) return poll(row, spec.max_poll);
    if (!spec.retry_unknown) {
      if (row.status != PredictionStatus::unknown) {
        row = store::set_prediction_state(db_, row.id, PredictionStatus::unknown, unknown_message(row));
      }
      return row;
    }
    row = retire_and_insert(row, intent, spec);
  }
  auto model = spec.model;
  if (!row.version.empty()) {
    model.version = row.version;
  } else if (model.version.empty() && row.status == PredictionStatus::intent) {
    model.version = backend_->version_for(model);
    if (!model.version.empty()) {
      store::set_prediction_version(db_, row.id, model.version);
      row.version = model.version;
    }
  }
  for (int attempt = 0;; ++attempt) {
    if (settled(row.status)) return row;
    if (!row.replicate_id.empty()) return poll(row, spec.max_poll);
    const bool was_sent = row.status == PredictionStatus::sent;
    if (!was_sent && cap_ && !cap_->admit(spec.key, model.full(), spec.input_json)) {
      store::delete_prediction(db_, row.id);  // never sent: a rerun with a higher cap plans it again
      row.error = "spend cap reached: not started";
      return row;
    }
    if (!was_sent) limiter_.acquire();
    std::optional<store::PredictionRow> claimed;
    {
      claimed = store::claim_prediction(db_, row.id, pid);  // intent -> sent, one transaction
    }
    if (!claimed) {
      // Another live photoagent is creating this one: wait for its id.
      sleep_(milliseconds(1000));
      row = reread(row.id);
      continue;
    }
    row = *claimed;
    if (was_sent) {
      // An earlier create may have taken effect: look before paying again.
      const auto outcome = reconcile(row);
      if (outcome != Outcome::not_found) continue;
      if (attempt >= 3)
        throw util::remote_error("could not confirm whether Replicate started prediction '" + row.key + "'",
                                 "Run the same command again: it checks Replicate's list before creating anything.");
      // Re-sent after reconciling found nothing: admitted under its key once.
      if (cap_ && !cap_->admit(spec.key, model.full(), spec.input_json)) {
        row.error = "spend cap reached: not started";
        return row;
      }
      limiter_.acquire();
      row = store::mark_prediction_sent(db_, row.id);
    }
    if (spec.on_change) spec.on_change(row);  // "sent" is recorded before the request goes out
    try {
      auto p = backend_->create(model, spec.input_json, spec.wait_seconds);
      row = adopt(row, p);
      if (spec.on_change) spec.on_change(row);
    } catch (const services::replicate::MaybeCreated&) {
      sleep_(milliseconds(1000));  // let the list catch up before reconciling
      continue;
    } catch (const services::replicate::NotOfficial&) {
      // Nothing was created. Community models run by their latest version.
      model.version = backend_->latest_version(model);
      if (model.version.empty())
        throw util::not_found(model.full() + " has no published version to run",
                              "Pass a version: --model " + model.full() + ":VERSION.");
      store::set_prediction_version(db_, row.id, model.version);
      row = *store::find_prediction_by_id(db_, row.id);
      continue;
    } catch (const util::Error& e) {
      // Ctrl-C mid-request: the create may have gone out. The row stays
      // "sent" and the next run reconciles it; deleting it would pay twice.
      if (e.is_interruption()) throw;
      // Refused outright (401, 402, 404, 422, 429 after retries): nothing was
      // created, so the intent goes and the next run starts clean.
      store::delete_prediction(db_, row.id);
      if (cap_) cap_->release(spec.key);
      throw;
    }
  }
}

int PredictionRunner::fetch_predict_times(std::vector<store::PredictionRow> rows, int max_gets) {
  if (!backend_->keeps_jobs()) return 0;
  std::map<std::string, std::int64_t> wanted;  // replicate id -> row id
  std::string oldest;
  for (const auto& r : rows) {
    if (r.replicate_id.empty() || r.predict_time >= 0) continue;
    wanted.emplace(r.replicate_id, r.id);
    if (oldest.empty() || r.created_at < oldest) oldest = r.created_at;
  }
  if (wanted.empty()) return 0;
  std::vector<std::pair<std::int64_t, double>> found;
  try {
    // The list carries metrics: one request per 100 predictions. Other
    // predictions of the account share the pages, hence the slack.
    const std::size_t max_pages = wanted.size() / 100 * 2 + 5;
    std::string next;
    for (std::size_t page = 0; page < max_pages && !wanted.empty(); ++page) {
      auto p = backend_->list(iso_shift(oldest, -120), next, {});
      for (const auto& remote : p.items)
        if (auto it = wanted.find(remote.id); it != wanted.end() && remote.predict_time >= 0) {
          found.emplace_back(it->second, remote.predict_time);
          wanted.erase(it);
        }
      if (p.next.empty()) break;
      next = p.next;
    }
    int gets = 0;
    for (auto it = wanted.begin(); it != wanted.end() && gets < max_gets; ++it, ++gets) {
      auto p = backend_->get(it->first);
      if (p.predict_time >= 0) found.emplace_back(it->second, p.predict_time);
    }
  } catch (const util::Error& e) {
    if (e.is_interruption()) throw;  // else keep what was found; a later call tries again
  }
  store::set_predict_times(db_, found);
  return static_cast<int>(found.size());
}

}  // namespace photoagent::workflows
