#pragma once
// What a generate run is about to pay, for the spend caps checked before
// anything is created (spend_cap.hpp).

#include <cstddef>
#include <vector>

#include "photoagent/store/database.hpp"
#include "photoagent/workflows/config.hpp"
#include "photoagent/workflows/generate.hpp"

namespace photoagent::workflows::detail {

struct UnpaidEstimate {
  std::size_t predictions = 0;  // creates, upscale and face-restore steps included
  double usd = 0;
};

// The planned predictions not paid yet (a rerun skips what the cache holds
// as succeeded or started), with their upscale / face-restore steps.
UnpaidEstimate estimate_unpaid(store::Database& db, const Config& config, const std::vector<PlannedPrediction>& plans);

}  // namespace photoagent::workflows::detail
