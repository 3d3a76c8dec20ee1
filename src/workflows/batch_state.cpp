#include "photoagent/workflows/batch_state.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/paths.hpp"

namespace photoagent::workflows {
using nlohmann::json;
namespace fs = std::filesystem;

struct BatchState::Data {
  json items = json::object();  // key -> {purpose, model, version, input, input_digest, replicate_id, status, created_at, files}
};

BatchState::BatchState(const fs::path& dir) : file_(dir / ".photoagent-batch.json"), data_(std::make_unique<Data>()) {
  util::ensure_dir(dir, 0755);
  // The lock lives on a side file, so the state itself can be replaced
  // atomically while it is held.
  const fs::path lock = dir / ".photoagent-batch.lock";
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) throw util::failure("cannot create " + lock.string());
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw util::failure("another photoagent is running a batch into " + dir.string(),
                        "Wait for it to finish, or use another -o folder.");
  }
  if (fs::exists(file_)) {
    json j = json::parse(util::read_file(file_, 256u << 20), nullptr, false);
    if (j.is_object() && j.contains("items") && j["items"].is_object()) data_->items = j["items"];
  }
}

BatchState::~BatchState() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // closing releases the flock
}

int BatchState::import_missing(store::Database& db, const std::vector<std::string>& keys) {
  std::lock_guard lock(mu_);
  int imported = 0;
  for (const auto& key : keys) {
    auto it = data_->items.find(key);
    if (it == data_->items.end() || !it->is_object() || store::find_prediction(db, key)) continue;
    const json& s = *it;
    store::PredictionRow row;
    row.key = key;
    row.purpose = s.value("purpose", "generate");
    row.model = s.value("model", "");
    row.version = s.value("version", "");
    row.input = s.value("input", "{}");
    row.input_digest = s.value("input_digest", "");
    if (row.model.empty() || row.input_digest.empty()) continue;
    auto fresh = store::insert_prediction_intent(db, row);
    const std::string status = s.value("status", "intent");
    const std::string rid = s.value("replicate_id", "");
    // Keep the original creation time: reconciliation lists from it.
    store::set_prediction_created_at(db, fresh.id, s.value("created_at", fresh.created_at));
    if (!rid.empty()) {
      store::set_prediction_replicate_id(db, fresh.id, rid, status == "intent" || status == "sent" ? "starting" : status);
    } else if (status == "sent") {
      store::mark_prediction_sent(db, fresh.id);  // may exist remotely: reconcile before creating
    }
    if (s.contains("files") && s["files"].is_array() && !s["files"].empty()) {
      if (status == "succeeded") store::finish_prediction(db, fresh.id, "succeeded", s.value("output", "[]"), "", -1);
      store::set_prediction_files(db, fresh.id, s["files"].dump());
    }
    ++imported;
  }
  return imported;
}

void BatchState::record(const store::PredictionRow& row, const std::vector<std::string>& files) {
  std::lock_guard lock(mu_);
  json& s = data_->items[row.key];
  s["purpose"] = row.purpose;
  s["model"] = row.model;
  s["version"] = row.version;
  s["input"] = row.input;
  s["input_digest"] = row.input_digest;
  s["created_at"] = row.created_at;
  s["status"] = row.status;
  if (!row.replicate_id.empty()) s["replicate_id"] = row.replicate_id;
  if (!row.output.empty()) s["output"] = row.output;
  if (!files.empty()) s["files"] = files;
  save_locked();
}

void BatchState::save_locked() {
  util::write_file_atomic(file_, json{{"version", 1}, {"items", data_->items}}.dump() + "\n", 0644);
}

}  // namespace photoagent::workflows
