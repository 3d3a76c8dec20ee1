// The training zip holds people's faces: once the training no longer needs
// it, it goes from Replicate's Files API (unless --keep-upload), and the row
// says so, so nothing asks again. Replicate would expire it after 24 hours;
// deleting it at once keeps that window as short as the training.

#include "photoagent/services/replicate/files.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/workflows/training.hpp"

namespace photoagent::workflows {

store::TrainingRow delete_training_upload(store::Database& db, const services::Api& replicate, store::TrainingRow row,
                                          std::string* warning) {
  const bool ended = row.status == store::TrainingStatus::succeeded || store::failed(row.status);
  if (!ended || row.upload_state != "pending" || row.upload_id.empty()) return row;
  try {
    services::replicate::delete_file(replicate, row.upload_id);  // gone already (expired) counts as deleted
    store::set_training_upload(db, row.id, "deleted", "");
  } catch (const util::Error& e) {
    if (e.is_interruption()) throw;
    // Said once; the next refresh (status, the watcher) tries again quietly.
    if (warning != nullptr && row.upload_error.empty())
      *warning = "could not delete " + store::training_ref(row.id) + "'s training zip from Replicate (" + e.message() +
                 "); 'photoagent status' tries again";
    store::set_training_upload(db, row.id, "pending", e.message());
  }
  return *store::find_training(db, row.id);
}

}  // namespace photoagent::workflows
