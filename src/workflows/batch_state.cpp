#include "photoagent/workflows/batch_state.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/paths.hpp"

namespace photoagent::workflows {
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kJournal = ".photoagent-batch.jsonl";
constexpr const char* kLegacy = ".photoagent-batch.json";  // the previous release's whole-document state
constexpr const char* kLock = ".photoagent-batch.lock";    // the same lock as that release: they exclude each other
// Outputs larger than this (data URIs) are not kept: a resume asks Replicate
// for the prediction again instead.
constexpr std::size_t kMaxOutput = 16u << 10;
constexpr std::size_t kMaxError = 2000;

std::string why() { return std::strerror(errno); }

void fsync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool retried_status(const std::string& s) { return s == "failed" || s == "canceled" || s == "aborted"; }

// Folds one record into a key's merged state. A new attempt ("intent" or
// "sent") starts clean: what an earlier, failed attempt learnt does not
// belong to it.
void merge(json& entry, const json& rec) {
  const std::string status = str(rec, "status");
  if (entry.is_object() && (status == "intent" || status == "sent"))
    for (const char* k : {"replicate_id", "output", "error", "files", "predict_time"}) entry.erase(k);
  if (!entry.is_object()) entry = json::object();
  entry.update(rec);
}

// Calls `each` with every well-formed record of a journal, in order; counts
// the others (a torn line, or text that is not a record).
void replay(const fs::path& path, const std::function<void(json&&)>& each, std::uint64_t& damaged) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    json rec = json::parse(line, nullptr, false);
    if (!rec.is_object() || !rec.contains("key") || !rec["key"].is_string()) {
      ++damaged;
      continue;
    }
    each(std::move(rec));
  }
}

// The previous release's state as records (its items already merged).
std::vector<json> legacy_records(const fs::path& path) {
  std::vector<json> out;
  json j = json::parse(util::read_file(path, 256u << 20), nullptr, false);
  if (!j.is_object() || !j.contains("items") || !j["items"].is_object())
    throw util::failure(path.string() + " is damaged", "Move it away to start the batch's state afresh.");
  for (auto& [key, item] : j["items"].items()) {
    if (!item.is_object()) continue;
    json rec = std::move(item);
    rec["key"] = key;
    out.push_back(std::move(rec));
  }
  return out;
}

// Cuts an unfinished last line (a write torn by a crash), so the next record
// starts on a line of its own. Returns whether something was cut.
bool cut_torn_tail(int fd, const fs::path& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw util::failure("cannot read " + path.string() + ": " + why());
  off_t end = st.st_size;
  if (end == 0) return false;
  char c = 0;
  if (::pread(fd, &c, 1, end - 1) != 1) throw util::failure("cannot read " + path.string() + ": " + why());
  if (c == '\n') return false;
  char buf[4096];
  off_t keep = 0;
  for (off_t pos = end; pos > 0 && keep == 0;) {
    const off_t from = pos > static_cast<off_t>(sizeof buf) ? pos - static_cast<off_t>(sizeof buf) : 0;
    const ssize_t n = ::pread(fd, buf, static_cast<std::size_t>(pos - from), from);
    if (n <= 0) throw util::failure("cannot read " + path.string() + ": " + why());
    for (ssize_t i = n; i > 0; --i)
      if (buf[i - 1] == '\n') {
        keep = from + i;
        break;
      }
    pos = from;
  }
  if (::ftruncate(fd, keep) != 0 || ::fdatasync(fd) != 0)
    throw util::failure("cannot repair " + path.string() + ": " + why());
  return true;
}

// Temporary files of atomic writes that a kill left behind (ours and the
// previous release's); only while holding the lock.
void remove_stale_temps(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with(std::string(kJournal) + ".tmp-") || name.starts_with(std::string(kLegacy) + ".tmp-")) {
      std::error_code rm;
      fs::remove(it->path(), rm);
    }
  }
}

}  // namespace

BatchState::BatchState(const fs::path& dir) : BatchState(dir, Options{}) {}

BatchState::BatchState(const fs::path& dir, Options options)
    : dir_(dir), file_(dir / kJournal), legacy_(dir / kLegacy), options_(options) {
  util::ensure_dir(dir, 0755);
  // The lock lives on a side file, so the journal can be replaced
  // atomically (compaction) while it is held.
  const fs::path lock = dir / kLock;
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) throw util::failure("cannot create " + lock.string() + ": " + why());
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw util::failure("another photoagent is running a batch into " + dir.string(),
                        "Wait for it to finish, or use another -o folder.");
  }
  try {
    open_journal();
  } catch (...) {
    if (fd_ >= 0) ::close(fd_);
    ::close(lock_fd_);
    throw;
  }
  flusher_ = std::thread([this] { flusher(); });
}

void BatchState::open_journal() {
  remove_stale_temps(dir_);
  std::error_code ec;
  const bool existed = fs::exists(file_, ec);
  fd_ = ::open(file_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw util::failure("cannot open " + file_.string() + ": " + why());
  if (!existed) fsync_dir(dir_);
  if (cut_torn_tail(fd_, file_)) ++stats_.damaged_lines;

  auto note = [this](const json& rec) {
    auto& flags = keys_[rec["key"].get<std::string>()];
    const std::string status = str(rec, "status");
    if (status == "intent" || status == "sent") flags &= static_cast<std::uint8_t>(~kFiles);
    if (rec.contains("input_digest")) flags |= kWritten;
    if (auto f = rec.find("files"); f != rec.end() && f->is_array() && !f->empty()) flags |= kFiles;
  };

  if (!fs::exists(legacy_, ec)) {
    replay(file_, note, stats_.damaged_lines);
    return;
  }
  // Migration: the old state first, then whatever a newer run appended;
  // written as a compacted journal before the old file goes.
  std::vector<std::string> order;
  std::unordered_map<std::string, json> merged;
  auto legacy = legacy_records(legacy_);
  auto fold = [&](json&& rec) {
    const std::string key = rec["key"].get<std::string>();
    auto [it, fresh] = merged.try_emplace(key);
    if (fresh) order.push_back(key);
    merge(it->second, rec);
  };
  for (auto& rec : legacy) fold(std::move(rec));
  legacy.clear();
  replay(file_, fold, stats_.damaged_lines);
  std::string text;
  for (const auto& key : order) {
    note(merged[key]);
    text += merged[key].dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  }
  ::close(fd_);
  fd_ = -1;
  util::write_file_atomic(file_, text, 0644);
  fsync_dir(dir_);
  fs::remove(legacy_, ec);
  fsync_dir(dir_);
  fd_ = ::open(file_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) throw util::failure("cannot open " + file_.string() + ": " + why());
}

BatchState::~BatchState() {
  stop_flusher();
  if (fd_ >= 0) {
    {
      std::unique_lock lock(mu_);
      synced_.wait(lock, [this] { return !syncing_; });
      if (appended_ > synced_seq_ && error_.empty() && ::fdatasync(fd_) == 0) {
        ++stats_.fsyncs;
        synced_seq_ = appended_;
      }
    }
    ::close(fd_);
  }
  if (lock_fd_ >= 0) ::close(lock_fd_);  // closing releases the flock
}

void BatchState::stop_flusher() noexcept {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (flusher_.joinable()) flusher_.join();
}

void BatchState::flusher() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, options_.flush_interval,
                   [this] { return stop_ || appended_ - synced_seq_ >= options_.flush_records; });
    if (stop_) break;
    if (appended_ > synced_seq_ && error_.empty()) {
      try {
        sync_until_locked(lock, appended_);
      } catch (const util::Error&) {
        // Kept in error_: the next record() reports it.
      }
    }
  }
}

// Group commit: one fdatasync covers every record appended before it
// started; callers that need a later record wait for the next one.
void BatchState::sync_until_locked(std::unique_lock<std::mutex>& lock, std::uint64_t seq) {
  while (synced_seq_ < seq) {
    if (!error_.empty()) throw util::failure(error_);
    if (syncing_) {
      synced_.wait(lock);
      continue;
    }
    syncing_ = true;
    const std::uint64_t target = appended_;
    lock.unlock();
    const int rc = ::fdatasync(fd_);
    const std::string reason = rc == 0 ? std::string() : why();
    lock.lock();
    syncing_ = false;
    ++stats_.fsyncs;
    if (rc != 0) error_ = "cannot write " + file_.string() + ": " + reason;
    else synced_seq_ = std::max(synced_seq_, target);
    synced_.notify_all();
  }
}

void BatchState::append_locked(const std::string& line) {
  if (!error_.empty()) throw util::failure(error_);
  // One write per record: with O_APPEND a record is never split by another.
  std::string_view rest(line);
  while (!rest.empty()) {
    const ssize_t n = ::write(fd_, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // A part-written line is cut on the next open; nothing more is added.
      error_ = "cannot write " + file_.string() + ": " + (n < 0 ? why() : std::string("short write"));
      throw util::failure(error_, "Free some space, then run the same command again.");
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  ++appended_;
  ++stats_.records;
}

void BatchState::record(const store::PredictionRow& row, const std::vector<std::string>& files) {
  json rec = {{"key", row.key}, {"status", row.status}};
  if (!row.version.empty()) rec["version"] = row.version;
  if (!row.replicate_id.empty()) rec["replicate_id"] = row.replicate_id;
  if (!row.output.empty() && row.output != "null" && row.output.size() <= kMaxOutput) rec["output"] = row.output;
  if (!row.error.empty()) rec["error"] = row.error.substr(0, kMaxError);
  if (row.predict_time >= 0) rec["predict_time"] = row.predict_time;
  if (!files.empty()) rec["files"] = files;
  const bool sent = row.status == "sent";

  std::unique_lock lock(mu_);
  auto& flags = keys_[row.key];
  if (!(flags & kWritten)) {
    // What a fresh cache needs to pick the item up, once per key.
    rec["purpose"] = row.purpose;
    rec["model"] = row.model;
    rec["input"] = row.input;
    rec["input_digest"] = row.input_digest;
    rec["created_at"] = row.created_at;
  }
  append_locked(rec.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
  flags |= kWritten;
  if (sent) flags &= static_cast<std::uint8_t>(~kFiles);
  if (!files.empty()) flags |= kFiles;
  if (sent) {
    // The create goes out when this returns: the record must outlive a
    // crash, or a fresh runner would not know to look before paying again.
    sync_until_locked(lock, appended_);
  } else if (appended_ - synced_seq_ >= options_.flush_records) {
    wake_.notify_one();
  }
}

void BatchState::flush() {
  std::unique_lock lock(mu_);
  sync_until_locked(lock, appended_);
}

void BatchState::complete() {
  std::unique_lock lock(mu_);
  sync_until_locked(lock, appended_);
  synced_.wait(lock, [this] { return !syncing_; });  // nobody syncs the old file while it is replaced
  std::vector<std::string> order;
  std::unordered_map<std::string, json> merged;
  replay(file_, [&](json&& rec) {
    const std::string key = rec["key"].get<std::string>();
    auto [it, fresh] = merged.try_emplace(key);
    if (fresh) order.push_back(key);
    merge(it->second, rec);
  }, stats_.damaged_lines);
  util::AtomicFile out(file_, 0644);
  std::string chunk;
  for (const auto& key : order) {
    chunk += merged[key].dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    merged.erase(key);
    if (chunk.size() >= (1u << 16)) {
      out.write(chunk);
      chunk.clear();
    }
  }
  out.write(chunk);
  out.commit();  // fsync, then rename over the journal
  fsync_dir(dir_);
  ++stats_.fsyncs;
  const int fd = ::open(file_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  if (fd < 0) {
    error_ = "cannot open " + file_.string() + ": " + why();
    throw util::failure(error_);
  }
  ::close(fd_);
  fd_ = fd;
}

std::vector<std::string> BatchState::without_files(const std::vector<std::string>& keys) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& key : keys) {
    auto it = keys_.find(key);
    if (it == keys_.end() || !(it->second & kFiles)) out.push_back(key);
  }
  return out;
}

BatchState::Stats BatchState::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

int BatchState::import_missing(store::Database& db, const std::vector<BatchItem>& items) {
  std::unordered_map<std::string, const BatchItem*> wanted;
  {
    std::lock_guard lock(mu_);
    for (const auto& item : items)
      if (keys_.count(item.key) && !store::find_prediction(db, item.key)) wanted.emplace(item.key, &item);
  }
  if (wanted.empty()) return 0;
  // Only the wanted keys are merged, and only for this call.
  std::unordered_map<std::string, json> state;
  std::uint64_t damaged = 0;
  replay(file_, [&](json&& rec) {
    const std::string key = rec["key"].get<std::string>();
    if (wanted.count(key)) merge(state[key], rec);
  }, damaged);

  int imported = 0;
  std::unordered_set<std::string> done;
  for (const auto& item : items) {
    auto it = state.find(item.key);
    if (it == state.end() || !done.insert(item.key).second) continue;
    const json& s = it->second;
    const std::string status = str(s, "status");
    // Never sent, or failed on Replicate (tried again anyway): nothing to carry over.
    if (status.empty() || status == "intent" || retried_status(status)) continue;
    store::PredictionRow row;
    row.key = item.key;
    row.purpose = str(s, "purpose");
    if (row.purpose.empty()) row.purpose = "generate";
    row.model = str(s, "model");
    row.version = str(s, "version");
    row.input = str(s, "input");
    row.input_digest = str(s, "input_digest");
    row.created_at = str(s, "created_at");  // reconciliation lists from it
    if (row.model.empty() || row.input_digest.empty() || row.input.empty()) continue;
    const auto fresh = store::insert_prediction_intent(db, row, &item.generation);
    const std::string rid = str(s, "replicate_id");
    std::string output = str(s, "output");
    const double predict_time = s.contains("predict_time") && s["predict_time"].is_number() ? s["predict_time"].get<double>() : -1;
    if (rid.empty()) {
      // Sent, outcome not recorded: reconciled before any create (or left
      // "unknown" when an earlier run could not decide).
      if (status == "unknown") store::set_prediction_state(db, fresh.id, "unknown", str(s, "error"));
      else store::mark_prediction_sent(db, fresh.id);
    } else {
      std::string st = status == "sent" ? "starting" : status;
      // A success whose output was not kept (too large) is asked for again.
      if (st == "succeeded" && output.empty()) st = "processing";
      if (st != "succeeded") output.clear();
      store::record_prediction_answer(db, fresh.id, {rid, st, output, str(s, "error"), predict_time});
    }
    if (auto f = s.find("files"); f != s.end() && f->is_array() && !f->empty())
      store::set_prediction_files(db, fresh.id, f->dump());
    ++imported;
  }
  return imported;
}

}  // namespace photoagent::workflows
