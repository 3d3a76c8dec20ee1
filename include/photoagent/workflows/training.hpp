#pragma once
// Training a LoRA on Replicate, end to end:
//
//   plan   (offline)  photos -> flat zip members + trainer inputs + cost estimate
//   start  (network)  zip -> Files API; destination model created if missing;
//                     trainer version resolved; intent row -> create -> id
//   follow (network)  refresh from Replicate; on success: push the LoRA to
//                     Hugging Face, then send the one email
//
// Like predictions, a training is an intent row before it is created, and a
// create with an unknown outcome is reconciled against Replicate's list
// before anything is created again.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "photoagent/services/api.hpp"
#include "photoagent/store/projects.hpp"
#include "photoagent/store/trainings.hpp"
#include "photoagent/util/archive.hpp"
#include "photoagent/workflows/config.hpp"
#include "photoagent/workflows/trainers.hpp"

namespace photoagent::workflows {

struct TrainRequest {
  std::string trainer;  // "" = config train.trainer
  int steps = 0;        // 0 = the trainer's default
  int rank = 0;
  double lr = -1;
  std::vector<std::pair<std::string, std::string>> inputs;  // --input key=value
  std::string hf_repo;    // "" = the project's
  std::string notify_to;  // "" = config sendgrid.to (when SendGrid is set up)
};

struct TrainPlan {
  Trainer trainer;
  store::Project project;
  std::vector<util::ZipMember> zip;  // flat: 0001.jpg + 0001.txt ...
  int images = 0;
  int captioned = 0;
  std::string input_json;  // without the images URL (added after upload)
  std::string hf_repo, notify_to;
  int steps = 0;
  double estimated_seconds = 0, estimated_cost = 0;
  // Start even though an earlier create's outcome is "unknown"; that row
  // becomes "abandoned" (it may still exist on Replicate).
  bool retry_unknown = false;
  // Leave the zip on Replicate's Files API (--keep-upload); by default it is
  // deleted once the training ends (it holds people's faces).
  bool keep_upload = false;
};

// Checks the photo count (config upload.minimum) and builds the plan.
TrainPlan plan_training(store::Database& db, const Config& config, const store::Project& project,
                        const TrainRequest& request);

struct Services {
  const services::Api* replicate = nullptr;
  const services::Api* huggingface = nullptr;  // null: not logged in
  const services::Api* sendgrid = nullptr;     // null: not logged in
  std::string mail_from;
};

using Progress = std::function<void(const std::string& step)>;

// Starts the planned training. Refuses (util::Error) while another training
// of the project is unfinished, unless `force`.
store::TrainingRow start_training(store::Database& db, const Config& config, const Services& services,
                                  const TrainPlan& plan, bool force, const Progress& progress = {});

// Unfinished trainings of a project, reconciled first: a row whose create had
// an unknown outcome is matched against Replicate's list.
std::vector<store::TrainingRow> unfinished_trainings(store::Database& db, const services::Api& replicate,
                                                     std::int64_t project_id);

// One look at Replicate: updates the row and returns it.
store::TrainingRow refresh_training(store::Database& db, const services::Api& replicate, store::TrainingRow row);

// After success: push to Hugging Face (when the training has a repo and it is
// not pushed yet), then the email (once, claimed; after the push). Failures
// are recorded on the row and tried again by the next call. Returns the row.
store::TrainingRow complete_training(store::Database& db, const Config& config, const Services& services,
                                     store::TrainingRow row);

// Refreshes with backoff until the training ends (or `limit` passes), then
// completes it. `on_update` sees every refresh.
store::TrainingRow follow_training(store::Database& db, const Config& config, const Services& services,
                                   store::TrainingRow row, std::chrono::seconds limit,
                                   const std::function<void(const store::TrainingRow&)>& on_update = {});

// Cost so far or in total: predict time (or time since start) x the price.
double training_cost(const Config& config, const store::TrainingRow& row);

// Once the training has ended (succeeded, failed, canceled, aborted), deletes
// its zip from Replicate's Files API unless kept, and records that (a file
// already gone counts as deleted). A failed delete is recorded on the row,
// returned as a warning (only the first time it fails), and tried again by
// the next call. Returns the row.
store::TrainingRow delete_training_upload(store::Database& db, const services::Api& replicate, store::TrainingRow row,
                                          std::string* warning = nullptr);

// True once nothing is left to do for the row (terminal, pushed, emailed,
// its upload deleted or kept).
bool training_settled(const store::TrainingRow& row);

}  // namespace photoagent::workflows
