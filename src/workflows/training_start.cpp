// The network half of `train`: upload, destination, version, create.

#include <unistd.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "photoagent/services/replicate.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/hash.hpp"
#include "photoagent/util/paths.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/util/time.hpp"
#include "photoagent/workflows/runner.hpp"
#include "photoagent/workflows/training.hpp"

namespace photoagent::workflows {
using nlohmann::json;
namespace rep = services::replicate;
namespace fs = std::filesystem;

namespace {

std::int64_t seconds_since(const std::string& iso) {
  std::tm tm{};
  if (strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
  return util::unix_now() - static_cast<std::int64_t>(timegm(&tm));
}

// Removes the local zip however start_training ends.
struct ZipFile {
  fs::path path;
  ~ZipFile() {
    std::error_code ec;
    fs::remove(path, ec);
  }
};

std::optional<rep::Training> find_remote(const services::Api& api, const store::TrainingRow& row) {
  std::string next;
  for (int page = 0; page < 5; ++page) {
    auto p = rep::list_trainings(api, next);
    for (const auto& t : p.items) {
      if (t.model != row.trainer_model) continue;
      if (input_digest(t.input) != row.input_digest) continue;
      return t;
    }
    if (p.next.empty()) break;
    next = p.next;
  }
  return std::nullopt;
}

}  // namespace

std::vector<store::TrainingRow> unfinished_trainings(store::Database& db, const services::Api& replicate,
                                                     std::int64_t project_id) {
  std::vector<store::TrainingRow> out;
  for (auto row : store::active_trainings(db, project_id)) {
    if (row.replicate_id.empty()) {
      if (row.status == "intent") {  // never sent: nothing exists remotely
        store::delete_training(db, row.id);
        continue;
      }
      if (auto t = find_remote(replicate, row)) {
        store::set_training_replicate_id(db, row.id, t->id);
        row = *store::find_training(db, row.id);
      } else if (seconds_since(row.created_at) > 300) {
        // Long enough for Replicate's list to show it: it never started.
        store::update_training(db, row.id, {"failed", -1, "", "", "", "the create never reached Replicate", -1, "", ""});
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
  if (!running.empty() && !force)
    throw util::failure("a training of " + plan.project.name + " is still running (" +
                            store::training_ref(running[0].id) + ", " + running[0].status + ")",
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
  auto row = store::insert_training_intent(db, intent);

  step("starting " + trainer.full());
  store::mark_training_sent(db, row.id);
  try {
    auto t = rep::create_training(api, trainer, destination.full(), input.dump());
    store::set_training_replicate_id(db, row.id, t.id);
  } catch (const rep::MaybeCreated& e) {
    // Unknown outcome: look before doing anything else; never create twice.
    if (auto t = find_remote(api, *store::find_training(db, row.id))) {
      store::set_training_replicate_id(db, row.id, t->id);
    } else {
      throw util::remote_error(std::string(e.what()) + "; it may or may not have started",
                               "Run 'photoagent status " + plan.project.name +
                                   "' in a minute: it checks Replicate before anything is created again.");
    }
  } catch (const util::Error& e) {
    // Interrupted mid-request: it may have started; keep the row for reconciling.
    if (e.code() == util::ExitCode::interrupted || e.code() == util::ExitCode::terminated) throw;
    store::delete_training(db, row.id);  // refused: nothing was created
    throw;
  }
  return *store::find_training(db, row.id);
}

store::TrainingRow refresh_training(store::Database& db, const services::Api& replicate, store::TrainingRow row) {
  if (row.replicate_id.empty()) return row;
  auto t = rep::get_training(replicate, row.replicate_id);
  store::TrainingUpdate u;
  u.status = t.status;
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
