#pragma once
// Rows of the `predictions` table: the record that makes paid work safe to
// repeat. A row is written (status "intent") before the create call, marked
// "sent" just before it, and gets Replicate's id the moment it is known.
//
// Local states beyond Replicate's: "intent", "sent", "unknown" (a create
// whose outcome could not be decided: never re-created silently) and
// "expired" (succeeded, but the outputs were removed before we had them).
// Each change is one transaction and gives the row back (RETURNING).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "photoagent/store/database.hpp"

namespace photoagent::store {

// Where a prediction stands. Replicate's own states, plus ours: intent
// (recorded, not sent), sent (the create may have gone out), unknown (its
// outcome could not be decided), expired (succeeded, outputs removed before
// we had them).
enum class PredictionStatus { intent, sent, starting, processing, succeeded, failed, canceled, aborted, unknown, expired };
std::string to_string(PredictionStatus s);
// Replicate's or our word; an unknown word (a state Replicate adds later)
// counts as still processing.
PredictionStatus parse_prediction_status(std::string_view s);
// Finished on Replicate's side (succeeded, failed, canceled, aborted).
bool finished(PredictionStatus s);
// Nothing more happens without a new create: finished, unknown or expired.
bool settled(PredictionStatus s);

struct PredictionRow {
  std::int64_t id = 0;
  std::string key;
  std::string purpose;
  std::string model;
  std::string version;
  std::string input;         // JSON, redacted
  std::string input_digest;
  std::string replicate_id;  // "" until known
  PredictionStatus status = PredictionStatus::intent;
  std::string output;        // JSON or ""
  std::string error;
  double predict_time = -1;
  std::int64_t project_id = 0;  // 0: none
  std::int64_t image_id = 0;
  std::int64_t claimed_by = 0;
  std::string created_at, sent_at, completed_at;
};

std::optional<PredictionRow> find_prediction(Database& db, const std::string& key);
std::optional<PredictionRow> find_prediction_by_id(Database& db, std::int64_t id);
std::optional<PredictionRow> find_prediction_by_replicate_id(Database& db, const std::string& replicate_id);

// Generation details (migration 5).
struct GenerationInfo {
  std::string prompt, style, output_dir;
  long long seed = -1;
};

// Inserts the intent (with its generation details, if any) unless the key
// exists; returns the row either way.
PredictionRow insert_prediction_intent(Database& db, const PredictionRow& row,
                                       const GenerationInfo* generation = nullptr);

// Takes over an unfinished row for this process when no live process holds
// it; a row still at "intent" is marked "sent" in the same transaction (the
// create follows at once). Nothing when another live process holds it.
std::optional<PredictionRow> claim_prediction(Database& db, std::int64_t id, std::int64_t pid);

// A model run by version after all: the row returns to "intent" with it.
void set_prediction_version(Database& db, std::int64_t id, const std::string& version);
// Frees a failed row's key for a new attempt; the row stays as history.
void retire_prediction_key(Database& db, std::int64_t id);
// Removes a row whose create was refused (nothing exists remotely).
void delete_prediction(Database& db, std::int64_t id);

PredictionRow mark_prediction_sent(Database& db, std::int64_t id);

// What Replicate answered: its id, status and, once there, output, error and
// run time (predict_time < 0: not known yet). A terminal status sets
// completed_at.
struct PredictionAnswer {
  std::string replicate_id;
  PredictionStatus status = PredictionStatus::starting;
  std::string output, error;
  double predict_time = -1;
};
PredictionRow record_prediction_answer(Database& db, std::int64_t id, const PredictionAnswer& answer);
// The same for a prediction found in Replicate's list: nothing when another
// row already owns that Replicate id (checked in the same transaction).
std::optional<PredictionRow> adopt_prediction(Database& db, std::int64_t id, const PredictionAnswer& answer);
// A local verdict (unknown, expired) with its reason.
PredictionRow set_prediction_state(Database& db, std::int64_t id, PredictionStatus status, const std::string& error);
// Run times learnt after the fact (a sync answer carries none), in one
// transaction: (row id, seconds).
void set_predict_times(Database& db, const std::vector<std::pair<std::int64_t, double>>& times);

// Rows a later run must still look at: not finished on Replicate, or in a
// local state that a flag may act on ("unknown").
std::vector<PredictionRow> unfinished_predictions(Database& db);
// Succeeded rows with a Replicate id and no run time, oldest first.
std::vector<PredictionRow> predictions_missing_predict_time(Database& db, std::int64_t project_id = 0);

void set_generation_info(Database& db, std::int64_t id, const GenerationInfo& info);
GenerationInfo generation_info(Database& db, std::int64_t id);
void set_prediction_files(Database& db, std::int64_t id, const std::string& files_json);
std::string prediction_files(Database& db, std::int64_t id);  // JSON array or ""

}  // namespace photoagent::store
