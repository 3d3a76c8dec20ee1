#include "photoagent/workflows/batch_state.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>

#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/input_file.hpp"
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

// A key's state, merged from its records: strings only (a JSON object per
// key costs several times more, and compaction holds every key at once).
struct Entry {
  std::string key, purpose, model, version, input, input_digest, created_at, status, replicate_id, output, error;
  std::string files;  // JSON array text, or ""
  double predict_time = -1;

  // Folds one record in. A new attempt ("intent" or "sent") starts clean:
  // what an earlier, failed attempt learnt does not belong to it.
  void merge(const json& rec) {
    auto take = [&rec](const char* name, std::string& field) {
      if (auto it = rec.find(name); it != rec.end() && it->is_string()) field = it->get<std::string>();
    };
    take("status", status);
    if (status == "intent" || status == "sent") {
      replicate_id.clear();
      output.clear();
      error.clear();
      files.clear();
      predict_time = -1;
    }
    take("key", key);
    take("purpose", purpose);
    take("model", model);
    take("version", version);
    take("input", input);
    take("input_digest", input_digest);
    take("created_at", created_at);
    take("replicate_id", replicate_id);
    take("output", output);
    take("error", error);
    if (auto it = rec.find("files"); it != rec.end() && it->is_array()) files = it->empty() ? "" : it->dump();
    if (auto it = rec.find("predict_time"); it != rec.end() && it->is_number()) predict_time = it->get<double>();
  }

  bool has_files() const { return !files.empty(); }

  std::string line() const {
    json j = {{"key", key}, {"status", status}};
    for (auto [name, value] : {std::pair<const char*, const std::string*>{"purpose", &purpose}, {"model", &model},
                               {"version", &version}, {"input", &input}, {"input_digest", &input_digest},
                               {"created_at", &created_at}, {"replicate_id", &replicate_id}, {"output", &output},
                               {"error", &error}})
      if (!value->empty()) j[name] = *value;
    if (!files.empty()) j["files"] = json::parse(files, nullptr, false);
    if (predict_time >= 0) j["predict_time"] = predict_time;
    return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  }
};

// Entries in the order their keys first appeared.
class Merged {
 public:
  void add(const json& rec) {
    const std::string& key = rec["key"].get_ref<const std::string&>();
    auto [it, fresh] = index_.try_emplace(key, entries_.size());
    if (fresh) entries_.emplace_back();
    entries_[it->second].merge(rec);
  }
  std::vector<Entry>& entries() { return entries_; }
  Entry* find(const std::string& key) {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &entries_[it->second];
  }

 private:
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<Entry> entries_;
};

// Calls `each` with every well-formed record of a journal, in order; counts
// the others (a torn line, or text that is not a record).
void replay(const fs::path& path, const std::function<void(json&&)>& each, std::uint64_t& damaged) {
  util::InputFile file(path);  // close-on-exec, unlike std::ifstream
  if (!file.is_open()) return;
  std::string line;
  while (std::getline(file.stream(), line)) {
    if (line.empty()) continue;
    json rec = json::parse(line, nullptr, false);
    if (!rec.is_object() || !rec.contains("key") || !rec["key"].is_string()) {
      ++damaged;
      continue;
    }
    each(std::move(rec));
  }
}

// The key of a record as we write it (flat, `"key":"..."`), without parsing
// the line; "" when it is not there in that form (the caller parses).
std::string_view key_of(std::string_view line) {
  constexpr std::string_view tag = "\"key\":\"";
  const auto at = line.find(tag);
  if (at == std::string_view::npos) return {};
  const auto from = at + tag.size();
  const auto to = line.find('"', from);
  if (to == std::string_view::npos) return {};
  const auto key = line.substr(from, to - from);
  return key.find('\\') == std::string_view::npos ? key : std::string_view();
}

// Calls `fn` with the merged state of every key that `want` accepts. Keys
// are taken a bucket at a time (one pass over the journal each, a line
// parsed only in its key's pass), so memory stays bounded whatever the
// batch's size.
constexpr std::size_t kKeysPerPass = 2048;
void for_each_merged(const fs::path& path, std::size_t keys, const std::function<bool(const std::string&)>& want,
                     const std::function<void(Entry&)>& fn, std::uint64_t& damaged) {
  const std::size_t passes = std::max<std::size_t>(1, (keys + kKeysPerPass - 1) / kKeysPerPass);
  const std::hash<std::string_view> hash;
  for (std::size_t pass = 0; pass < passes; ++pass) {
    auto mine = [&](std::string_view key) { return passes == 1 || hash(key) % passes == pass; };
    Merged merged;
    util::InputFile file(path);
    if (!file.is_open()) return;
    std::string line;
    while (std::getline(file.stream(), line)) {
      if (line.empty()) continue;
      const std::string_view seen = key_of(line);
      if (!seen.empty() && !mine(seen)) continue;
      json rec = json::parse(line, nullptr, false);
      if (!rec.is_object() || !rec.contains("key") || !rec["key"].is_string()) {
        if (!seen.empty() || pass == 0) ++damaged;  // each line counted once
        continue;
      }
      const auto& key = rec["key"].get_ref<const std::string&>();
      if ((seen.empty() && !mine(key)) || !want(key)) continue;
      merged.add(rec);
    }
    for (auto& e : merged.entries()) fn(e);
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

// True for an atomic write's temp name (NAME.tmp-PID-N, util/file.cpp) whose
// process is gone: a single generate into the folder takes no batch lock, so
// only a dead writer's temp files are ours to remove.
bool dead_writers_temp(const std::string& name) {
  const auto at = name.rfind(".tmp-");
  if (at == std::string::npos) return false;
  const char* p = name.c_str() + at + 5;
  char* end = nullptr;
  const long pid = std::strtol(p, &end, 10);
  if (end == p || *end != '-' || pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

// Temporary files of atomic writes that a kill left behind (ours and the
// previous release's, and output images of a killed writer); only while
// holding the lock.
void remove_stale_temps(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with(std::string(kJournal) + ".tmp-") || name.starts_with(std::string(kLegacy) + ".tmp-") ||
        dead_writers_temp(name)) {
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
  Merged merged;
  for (const auto& rec : legacy_records(legacy_)) merged.add(rec);
  replay(file_, [&](json&& rec) { merged.add(rec); }, stats_.damaged_lines);
  std::string text;
  for (const auto& e : merged.entries()) {
    auto& flags = keys_[e.key];
    if (!e.input_digest.empty()) flags |= kWritten;
    if (e.has_files()) flags |= kFiles;
    text += e.line();
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
  json rec = {{"key", row.key}, {"status", store::to_string(row.status)}};
  if (!row.version.empty()) rec["version"] = row.version;
  if (!row.replicate_id.empty()) rec["replicate_id"] = row.replicate_id;
  if (!row.output.empty() && row.output != "null" && row.output.size() <= kMaxOutput) rec["output"] = row.output;
  if (!row.error.empty()) rec["error"] = row.error.substr(0, kMaxError);
  if (row.predict_time >= 0) rec["predict_time"] = row.predict_time;
  if (!files.empty()) rec["files"] = files;
  const bool sent = row.status == store::PredictionStatus::sent;

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
  util::AtomicFile out(file_, 0644);
  std::string chunk;
  for_each_merged(file_, keys_.size(), [](const std::string&) { return true; }, [&](Entry& e) {
    chunk += e.line();
    e = Entry();
    if (chunk.size() >= (1u << 16)) {
      out.write(chunk);
      chunk.clear();
    }
  }, stats_.damaged_lines);
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

namespace {

// One item into a fresh cache, in its last known state; false when there is
// nothing to carry over.
bool import_entry(store::Database& db, const BatchItem& item, const Entry& s) {
  // Never sent, or failed on Replicate (tried again anyway): nothing to carry over.
  if (s.status.empty() || s.status == "intent" || retried_status(s.status)) return false;
  store::PredictionRow row;
  row.key = item.key;
  row.purpose = s.purpose.empty() ? "generate" : s.purpose;
  row.model = s.model;
  row.version = s.version;
  row.input = s.input;
  row.input_digest = s.input_digest;
  row.created_at = s.created_at;  // reconciliation lists from it
  if (row.model.empty() || row.input_digest.empty() || row.input.empty()) return false;
  const auto fresh = store::insert_prediction_intent(db, row, &item.generation);
  if (s.replicate_id.empty()) {
    // Sent, outcome not recorded: reconciled before any create (or left
    // "unknown" when an earlier run could not decide).
    if (s.status == "unknown") store::set_prediction_state(db, fresh.id, store::PredictionStatus::unknown, s.error);
    else store::mark_prediction_sent(db, fresh.id);
  } else {
    using store::PredictionStatus;
    auto status = s.status == "sent" ? PredictionStatus::starting : store::parse_prediction_status(s.status);
    std::string output = s.output;
    // A success whose output was not kept (too large) is asked for again.
    if (status == PredictionStatus::succeeded && output.empty()) status = PredictionStatus::processing;
    if (status != PredictionStatus::succeeded) output.clear();
    store::record_prediction_answer(db, fresh.id, {s.replicate_id, status, output, s.error, s.predict_time});
  }
  if (s.has_files()) store::set_prediction_files(db, fresh.id, s.files);
  return true;
}

}  // namespace

int BatchState::import_missing(store::Database& db, const std::vector<BatchItem>& items) {
  std::unordered_map<std::string, const BatchItem*> wanted;
  {
    std::lock_guard lock(mu_);
    for (const auto& item : items)
      if (keys_.count(item.key) && !store::find_prediction(db, item.key)) wanted.emplace(item.key, &item);
  }
  if (wanted.empty()) return 0;
  // Only the wanted keys are merged, and only for this call.
  int imported = 0;
  std::uint64_t damaged = 0;
  for_each_merged(file_, wanted.size(), [&](const std::string& key) { return wanted.count(key) > 0; },
                  [&](Entry& e) { imported += import_entry(db, *wanted.at(e.key), e); }, damaged);
  return imported;
}

}  // namespace photoagent::workflows
