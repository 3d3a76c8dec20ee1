// The network half of `train`: upload, destination, version, create.

#include <unistd.h>

#include <ctime>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>

#include "photoagent/services/replicate/account.hpp"
#include "photoagent/services/replicate/files.hpp"
#include "photoagent/services/replicate/model_ref.hpp"
#include "photoagent/services/replicate/models.hpp"
#include "photoagent/services/replicate/predictions.hpp"
#include "photoagent/services/replicate/trainings.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/hash.hpp"
#include "photoagent/util/paths.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/util/time.hpp"
#include "photoagent/workflows/reconcile.hpp"
#include "photoagent/workflows/runner.hpp"
#include "photoagent/workflows/training.hpp"

namespace photoagent::workflows {
using nlohmann::json;
namespace rep = services::replicate;
namespace fs = std::filesystem;

namespace {

std::int64_t seconds_since(const std::string& iso) {
  auto t = util::parse_iso8601(iso);
  return t ? util::unix_now() - *t : 0;
}

std::string unknown_training(const store::TrainingRow& row, const std::string& why) {
  return "could not confirm whether Replicate started " + store::training_ref(row.id) + " (" + why +
         "); check https://replicate.com/trainings, then run 'photoagent train --retry-unknown' to start a new one"
         " (that may pay twice)";
}

// Removes the local zip however start_training ends.
struct ZipFile {
  fs::path path;
  ~ZipFile() {
    std::error_code ec;
    fs::remove(path, ec);
  }
};

// Looks for the training an ambiguous create may have made (DESIGN §10):
// created around the time it was sent, with our input (file fields by
// presence), and, once it has an output, a version on our destination.
// Never the trainer's model or version: Replicate may answer with others.
Verdict find_remote(const services::Api& api, const store::TrainingRow& row, std::optional<rep::Training>& found) {
  const auto anchor = util::parse_iso8601(row.created_at).value_or(util::unix_now());
  std::vector<Candidate> candidates;
  std::map<std::string, rep::Training> seen;
  std::string next;
  for (int page = 0; page < 10; ++page) {
    auto p = rep::list_trainings(api, next);
    bool older = false;
    for (const auto& t : p.items) {
      const auto created = util::parse_iso8601(t.created_at);
      if (created && *created < anchor - 120) {
        older = true;  // newest first: the rest is older still
        break;
      }
      if (created && *created > anchor + 600) continue;
      if (!t.output_version.empty() && t.output_version.rfind(row.destination + ":", 0) != 0) continue;
      const auto m = match_input(row.input, t.input, t.data_removed);
      if (m == InputMatch::none) continue;
      candidates.push_back({t.id, m});
      seen.emplace(t.id, t);
    }
    if (older || p.next.empty()) break;
    next = p.next;
  }
  std::string chosen;
  const auto verdict = decide(candidates, chosen);
  if (verdict == Verdict::found) found = seen.at(chosen);
  return verdict;
}

}  // namespace

std::vector<store::TrainingRow> unfinished_trainings(store::Database& db, const services::Api& replicate,
                                                     std::int64_t project_id) {
  std::vector<store::TrainingRow> out;
  for (auto row : store::active_trainings(db, project_id)) {
    if (row.replicate_id.empty()) {
      if (row.status == store::TrainingStatus::intent) {  // never sent: nothing exists remotely
        store::delete_training(db, row.id);
        continue;
      }
      if (row.status == store::TrainingStatus::unknown) continue;  // decided: only --retry-unknown acts on it
      std::optional<rep::Training> t;
      Verdict verdict = Verdict::unknown;
      std::string why = "Replicate's list shows several candidates, or their inputs were removed";
      try {
        verdict = find_remote(replicate, row, t);
      } catch (const util::Error& e) {
        if (e.is_interruption()) throw;
        verdict = Verdict::not_found;  // the list could not be read now: look again next time
      }
      if (verdict == Verdict::found) {
        store::set_training_replicate_id(db, row.id, t->id);
        row = *store::find_training(db, row.id);
      } else if (verdict == Verdict::unknown || seconds_since(row.created_at) > 300) {
        // Never "failed" for not being found: it may exist all the same.
        if (verdict == Verdict::not_found) why = "its create's answer was lost and Replicate's list does not show it";
        store::update_training(db, row.id, {store::TrainingStatus::unknown, -1, "", "", "", unknown_training(row, why), -1, "", ""});
        continue;
      }
    }
    out.push_back(row);
  }
  return out;
}

store::TrainingRow start_training(store::Database& db, const Config& config, const Services& s, const TrainPlan& plan,
                                  bool force, const Progress& progress) {
  auto step = [&](const std::string& what) { if (progress) progress(what); };
  const auto& api = *s.replicate;

  auto running = unfinished_trainings(db, api, plan.project.id);
  for (const auto& r : store::active_trainings(db, plan.project.id)) {
    if (r.status != store::TrainingStatus::unknown) continue;
    if (!plan.retry_unknown)
      throw util::failure(r.error.empty() ? unknown_training(r, "its create's answer was lost") : r.error,
                          "Pass --retry-unknown to start a new training anyway.");
    store::update_training(db, r.id, {store::TrainingStatus::abandoned, -1, "", "", "", "", -1, "", ""});
  }
  if (!running.empty() && !force)
    throw util::failure("a training of " + plan.project.name + " is still running (" +
                            store::training_ref(running[0].id) + ", " + store::to_string(running[0].status) + ")",
                        "Follow it with 'photoagent status " + store::training_ref(running[0].id) +
                            "', or pass --force to start another.");

  step("checking the account");
  const auto account = rep::get_account(api);
  const rep::ModelRef destination{account.username, plan.project.name, ""};

  step("building the zip of " + std::to_string(plan.images) + " photos");
  const fs::path tmp = db.data_dir() / "tmp";
  util::ensure_dir(tmp, 0700);
  ZipFile zip{tmp / (plan.project.name + "-" + std::to_string(::getpid()) + ".zip")};
  util::write_zip(zip.path, plan.zip);
  const auto size = fs::file_size(zip.path);
  if (size > 100ull * 1024 * 1024)
    throw util::failure("the training zip is " + std::to_string(size >> 20) + " MiB; Replicate accepts at most 100 MiB",
                        "Store smaller photos (upload again with a smaller --max-side) or train on fewer.");
  const std::string zip_sha = util::sha256_file(zip.path);

  step("preparing " + destination.full());
  if (!rep::find_model(api, destination))
    rep::create_model(api, destination.owner, destination.name, "private",
                      config.get_or_default("train.destination_hardware"),
                      "LoRA of " + plan.project.name + " (trigger word " + plan.project.trigger + "), made by photoagent");
  rep::ModelRef trainer = rep::parse_model_ref(plan.trainer.model);
  trainer.version = plan.trainer.version.empty() ? rep::latest_version(api, trainer) : plan.trainer.version;
  if (trainer.version.empty())
    throw util::remote_error(trainer.full() + " has no version to train with", "Pin one in config trainers.");

  step("uploading the zip (" + std::to_string((size + 1023) / 1024) + " KiB)");
  const auto uploaded = rep::upload_file(api, zip.path, "application/zip", zip_sha);
  json input = json::parse(plan.input_json);
  input[plan.trainer.input_name("images")] = uploaded.url;

  store::TrainingRow intent;
  intent.project_id = plan.project.id;
  intent.trainer = plan.trainer.name;
  intent.trainer_model = trainer.full();
  intent.trainer_version = trainer.version;
  intent.destination = destination.full();
  intent.hardware = plan.trainer.hardware;
  intent.input = canonical_input(input.dump());
  intent.input_digest = util::sha256_hex(intent.input);
  intent.zip_sha256 = zip_sha;
  intent.images = plan.images;
  intent.hf_repo = plan.hf_repo;
  intent.notify_to = plan.notify_to;
  intent.claimed_by = ::getpid();
  intent.upload_id = uploaded.id;
  intent.upload_state = plan.keep_upload ? "kept" : "pending";
  auto row = store::insert_training_intent(db, intent);

  step("starting " + trainer.full());
  store::mark_training_sent(db, row.id);
  try {
    auto t = rep::create_training(api, trainer, destination.full(), input.dump());
    store::set_training_replicate_id(db, row.id, t.id);
  } catch (const rep::MaybeCreated& e) {
    // Unknown outcome: look before doing anything else; never create twice.
    std::optional<rep::Training> t;
    const auto fresh = *store::find_training(db, row.id);
    const auto verdict = find_remote(api, fresh, t);
    if (verdict == Verdict::found) {
      store::set_training_replicate_id(db, row.id, t->id);
    } else if (verdict == Verdict::unknown) {
      const auto message = unknown_training(fresh, "Replicate's list shows several candidates");
      store::update_training(db, row.id, {store::TrainingStatus::unknown, -1, "", "", "", message, -1, "", ""});
      throw util::remote_error(message);
    } else {
      throw util::remote_error(std::string(e.what()) + "; it may or may not have started",
                               "Run 'photoagent status " + plan.project.name +
                                   "' in a minute: it checks Replicate before anything is created again.");
    }
  } catch (const util::Error& e) {
    // Interrupted mid-request: it may have started; keep the row for reconciling.
    if (e.is_interruption()) throw;
    store::delete_training(db, row.id);  // refused: nothing was created
    if (!plan.keep_upload && !uploaded.id.empty()) {
      try {
        rep::delete_file(api, uploaded.id);  // nothing will read the photos now
      } catch (const util::Error& d) {
        if (d.is_interruption()) throw;  // else Replicate expires it within a day
      }
    }
    throw;
  }
  return *store::find_training(db, row.id);
}

store::TrainingRow refresh_training(store::Database& db, const services::Api& replicate, store::TrainingRow row) {
  if (row.replicate_id.empty()) return row;
  auto t = rep::get_training(replicate, row.replicate_id);
  store::TrainingUpdate u;
  u.status = store::parse_training_status(t.status);
  if (auto p = rep::progress_from_logs(t.logs)) u.progress = *p;
  if (t.status == "succeeded") u.progress = 1.0;
  // The last lines are what a person needs to see when it fails.
  auto lines = util::split(t.logs, '\n', true);
  std::vector<std::string> tail;
  for (auto it = lines.rbegin(); it != lines.rend() && tail.size() < 20; ++it) {
    auto cr = it->rfind('\r');
    tail.insert(tail.begin(), cr == std::string::npos ? *it : it->substr(cr + 1));
  }
  u.logs_tail = util::join(tail, "\n");
  u.version = t.output_version;
  u.weights_url = t.weights_url;
  u.error = t.error;
  u.predict_time = t.predict_time;
  u.started_at = t.started_at;
  u.completed_at = t.completed_at;
  store::update_training(db, row.id, u);
  return *store::find_training(db, row.id);
}

}  // namespace photoagent::workflows
