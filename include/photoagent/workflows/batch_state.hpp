#pragma once
// A batch's state beside its output: DIR/.photoagent-batch.jsonl, locked for
// the run (DESIGN §10, batch journal). It lets a CI runner that caches only
// the output folder (not $PHOTOAGENT_HOME) resume: every prediction's intent,
// Replicate id, answer and files are appended there as they happen, and
// imported into a fresh cache before anything is created, so in-flight work
// is reconciled, not repeated.
//
// The journal is append-only JSON Lines, one record per change, holding only
// what changed (the first record of a key this run also carries what import
// needs: purpose, model, input, digest, creation time). Replay merges the
// records of a key in order. Records are written at once (a kill -9 keeps
// them: they are in the page cache) and fsync'd in groups (every
// flush_interval or flush_records, by a background flusher); a "sent" record
// is fsync'd before record() returns, because the create goes out next and a
// runner that lost it would pay twice. complete() compacts the journal to
// one record per key, atomically. A torn last line (power loss) is cut off
// on open. The previous release's DIR/.photoagent-batch.json is read too and
// folded into the journal (then removed).
//
// Memory stays flat: besides the open file, one small flag set per key.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "photoagent/store/predictions.hpp"

namespace photoagent::workflows {

// A batch item the state may know: its key and what the generation records
// (folder, prompt, seed), which a fresh cache needs to finish it.
struct BatchItem {
  std::string key;
  store::GenerationInfo generation;
};

class BatchState {
 public:
  struct Options {
    std::chrono::milliseconds flush_interval{100};
    std::size_t flush_records = 256;  // pending records that wake the flusher early
  };
  struct Stats {
    std::uint64_t records = 0;        // appended by this object
    std::uint64_t fsyncs = 0;         // of the journal, by this object
    std::uint64_t damaged_lines = 0;  // skipped on replay (torn or not JSON)
  };

  // Opens (creating) and locks DIR/.photoagent-batch.jsonl; util::Error when
  // another photoagent holds it. Migrates an old .photoagent-batch.json.
  explicit BatchState(const std::filesystem::path& dir);
  BatchState(const std::filesystem::path& dir, Options options);
  // Flushes (fsync) what is pending; never throws.
  ~BatchState();
  BatchState(const BatchState&) = delete;
  BatchState& operator=(const BatchState&) = delete;

  // Rows for items the state knows and the cache does not (a fresh runner),
  // written with their last known state: sent (reconciled before any
  // create), answered (polled or downloaded), files, unknown, expired.
  // Items never sent or failed on Replicate are left to run again.
  // Returns how many were imported.
  int import_missing(store::Database& db, const std::vector<BatchItem>& items);

  // Appends the row's change (and its files, when given). A "sent" row is
  // durable when this returns; others within flush_interval.
  void record(const store::PredictionRow& row, const std::vector<std::string>& files = {});

  // Everything recorded so far is on disk when this returns.
  void flush();

  // The batch is over: flush, then rewrite the journal as one record per key
  // (atomically: a kill leaves the old journal or the new one).
  void complete();

  // Keys among `keys` whose files the state does not hold: a batch that
  // waited for its results must account for each (done with files, or failed).
  std::vector<std::string> without_files(const std::vector<std::string>& keys) const;

  Stats stats() const;
  const std::filesystem::path& file() const { return file_; }

 private:
  // Per key: what this object knows without keeping the row.
  enum Flag : std::uint8_t { kWritten = 1, kFiles = 2 };

  void open_journal();
  void append_locked(const std::string& line);
  void sync_until_locked(std::unique_lock<std::mutex>& lock, std::uint64_t seq);
  void flusher();
  void stop_flusher() noexcept;

  std::filesystem::path dir_, file_, legacy_;
  Options options_;
  int lock_fd_ = -1;
  int fd_ = -1;

  mutable std::mutex mu_;
  std::condition_variable wake_;    // the flusher: records pending, or stop
  std::condition_variable synced_;  // a sync finished
  std::uint64_t appended_ = 0, synced_seq_ = 0;
  bool syncing_ = false, stop_ = false;
  std::string error_;  // a failed background sync: the next record throws it
  Stats stats_;
  std::unordered_map<std::string, std::uint8_t> keys_;
  std::thread flusher_;
};

}  // namespace photoagent::workflows
