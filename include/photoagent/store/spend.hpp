#pragma once
// What paid predictions cost, read for `status --spend`: one row per
// prediction Replicate billed (succeeded, or succeeded and expired since).

#include <string>
#include <vector>

#include "photoagent/store/database.hpp"

namespace photoagent::store {

struct BilledPrediction {
  std::string project;  // "-" when none
  std::string model;
  double predict_time = -1;  // seconds; -1 unknown
  std::size_t files = 0;     // images written
  std::string created_at;    // ISO 8601 UTC
};
std::vector<BilledPrediction> billed_predictions(Database& db);

}  // namespace photoagent::store
