#pragma once
// Rows of the `trainings` table. Like predictions, a training is written as
// an intent before it is created and gets its Replicate id at once; after
// success it also tracks the Hugging Face push and the one email.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "photoagent/store/database.hpp"

namespace photoagent::store {

// Where a training stands: Replicate's states, plus ours: intent, sent,
// unknown (the create's outcome could not be decided) and abandoned (an
// unknown one the user chose to start anew instead of).
enum class TrainingStatus { intent, sent, starting, processing, succeeded, failed, canceled, aborted, unknown, abandoned };
std::string to_string(TrainingStatus s);
TrainingStatus parse_training_status(std::string_view s);  // an unknown word: processing
// Nothing more happens on Replicate's side or without the user.
bool settled(TrainingStatus s);
// Ended badly: failed, canceled or aborted.
bool failed(TrainingStatus s);

struct TrainingRow {
  std::int64_t id = 0;
  std::int64_t project_id = 0;
  std::string project;  // name (queries fill it)
  std::string trainer, trainer_model, trainer_version, destination, hardware;
  std::string input, input_digest, zip_sha256;
  int images = 0;
  std::string replicate_id;
  TrainingStatus status = TrainingStatus::intent;
  double progress = -1;  // -1: unknown
  std::string logs_tail;
  std::string version, weights_url;
  double predict_time = -1;
  std::string error;
  std::string hf_repo, hf_commit, hf_error;
  std::string notify_to, notify_state, notified_at, notify_error, message_id;
  std::int64_t claimed_by = 0;
  std::string created_at, started_at, completed_at;
  // The zip on Replicate's Files API: its id, and "pending" (to delete once
  // the training ends), "kept" (--keep-upload), "deleted", or "" (none known).
  std::string upload_id, upload_state, upload_error;
};

// "t12": how people and scripts name a training (DESIGN §9 ids).
std::string training_ref(std::int64_t id);

TrainingRow insert_training_intent(Database& db, const TrainingRow& row);
std::optional<TrainingRow> find_training(Database& db, std::int64_t id);
std::optional<TrainingRow> find_training_by_replicate_id(Database& db, const std::string& replicate_id);
std::vector<TrainingRow> list_trainings(Database& db, std::int64_t project_id = 0);  // 0: all, newest first
std::vector<TrainingRow> active_trainings(Database& db, std::int64_t project_id);    // not terminal

void mark_training_sent(Database& db, std::int64_t id);
void set_training_replicate_id(Database& db, std::int64_t id, const std::string& replicate_id);
void delete_training(Database& db, std::int64_t id);

// Records what Replicate reported (status, progress, logs tail, timing, result).
struct TrainingUpdate {
  TrainingStatus status = TrainingStatus::processing;
  double progress = -1;
  std::string logs_tail;
  std::string version, weights_url, error;
  double predict_time = -1;
  std::string started_at, completed_at;
};
void update_training(Database& db, std::int64_t id, const TrainingUpdate& u);

// Takes the Hugging Face push for process `pid` unless another live process
// holds it or it is done. The claim ends with set_training_hf.
bool claim_hf_push(Database& db, std::int64_t id, std::int64_t pid);
void set_training_hf(Database& db, std::int64_t id, const std::string& commit, const std::string& error);

// The one-email rule: claims the notification for this process when nobody
// has (or an earlier attempt failed with an answer). Exactly one racing
// caller gets true. A crash after the claim leaves "claimed": the outcome is
// unknown and the email is never resent silently.
// Records the training zip's state ("pending", "deleted", ...) and the last
// failed delete ("" clears it).
void set_training_upload(Database& db, std::int64_t id, const std::string& state, const std::string& error);

bool claim_notification(Database& db, std::int64_t id);
void finish_notification(Database& db, std::int64_t id, bool sent, const std::string& message_id,
                         const std::string& error);
// Notes why the outcome is unknown, keeping the claim.
void record_notification_error(Database& db, std::int64_t id, const std::string& error);
// `status --notify`: allows one more attempt after an unknown outcome.
void reset_notification(Database& db, std::int64_t id);

}  // namespace photoagent::store
