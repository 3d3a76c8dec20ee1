#pragma once
// What a generate run is about to pay, for the spend caps checked before
// anything is created (spend_cap.hpp).

#include <cstddef>
#include <optional>
#include <vector>

#include "photoagent/store/database.hpp"
#include "photoagent/workflows/config.hpp"
#include "photoagent/workflows/generate.hpp"
#include "photoagent/workflows/runner.hpp"
#include "photoagent/workflows/spend_cap.hpp"

namespace photoagent::workflows::detail {

struct UnpaidEstimate {
  std::size_t predictions = 0;  // creates, upscale and face-restore steps included
  double usd = 0;
};

// The planned predictions not paid yet (a rerun skips what the cache holds
// as succeeded or started), with their upscale / face-restore steps.
UnpaidEstimate estimate_unpaid(store::Database& db, const Config& config, const std::vector<PlannedPrediction>& plans);

// A result the cap refused at its create: no error, nothing sent or still
// only sent (no prediction id). Nothing was paid; it waits for a rerun.
bool held_by_cap(const GenerateResult& r);

// The running cap of one generate run (--max-predictions, --max-cost),
// set on the runner for this scope only: the runner outlives the run.
// get() is null when no cap was asked.
class RunCap {
 public:
  RunCap(const SpendLimits& limits, const Config& config, PredictionRunner& runner);
  ~RunCap() { runner_.set_spend_cap(nullptr); }
  RunCap(const RunCap&) = delete;
  RunCap& operator=(const RunCap&) = delete;
  SpendCap* get() { return cap_ ? &*cap_ : nullptr; }

 private:
  PredictionRunner& runner_;
  std::optional<SpendCap> cap_;
};

}  // namespace photoagent::workflows::detail
