#pragma once
// A batch's state beside its output: DIR/.photoagent-batch.json, locked for
// the run. It lets a CI runner that caches only the output folder (not
// $PHOTOAGENT_HOME) resume: every prediction's intent, Replicate id and
// files are copied there as they happen, and imported into a fresh cache
// before anything is created, so in-flight work is reconciled, not repeated.

#include <filesystem>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "photoagent/store/predictions.hpp"

namespace photoagent::workflows {

class BatchState {
 public:
  // Opens (creating) and locks DIR/.photoagent-batch.json; util::Error when
  // another photoagent holds it.
  explicit BatchState(const std::filesystem::path& dir);
  ~BatchState();
  BatchState(const BatchState&) = delete;
  BatchState& operator=(const BatchState&) = delete;

  // Rows for keys the state knows and the cache does not (a fresh runner).
  // Returns how many were imported.
  int import_missing(store::Database& db, const std::vector<std::string>& keys);

  // Copies the row (and its files) into the state; written atomically.
  void record(const store::PredictionRow& row, const std::vector<std::string>& files = {});

  const std::filesystem::path& file() const { return file_; }

 private:
  void save_locked();
  std::filesystem::path file_;
  int lock_fd_ = -1;
  std::mutex mu_;
  struct Data;
  std::unique_ptr<Data> data_;
};

}  // namespace photoagent::workflows
