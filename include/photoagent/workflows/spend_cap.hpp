#pragma once
// Spend caps (`--max-cost USD`, `--max-predictions N` on generate and train,
// config generate.max_cost / generate.max_predictions / train.max_cost /
// train.max_predictions):
//
//   before   the estimate of what is not paid yet is checked before anything
//            is paid (check_estimate: over --max-cost is a usage error,
//            exit 2; for train, whose one job is all it pays, both caps)
//   during   every create asks admit() first: it is admitted while what this
//            run recorded plus what is in flight plus its own estimate stays
//            within the caps. The first refusal closes the cap: nothing more
//            is created, what is in flight finishes, and the items not
//            started stay for a rerun with a higher cap (exit 6).
//
// A cap counts what this run pays; a rerun pays nothing for what is done.

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "photoagent/workflows/config.hpp"

namespace photoagent::workflows {

struct SpendLimits {
  std::optional<double> max_usd;
  std::optional<long long> max_predictions;
  bool any() const { return max_usd.has_value() || max_predictions.has_value(); }
};

// The flags if given, else the config keys `<command>.max_cost` and
// `<command>.max_predictions` ("" = no cap). util::Error (usage) for a
// negative or malformed value.
SpendLimits spend_limits(const Config& config, const std::string& command, std::optional<double> max_usd,
                         std::optional<long long> max_predictions);

// Throws util::Error (usage, exit 2) with the estimate in one line when
// `predictions` paid jobs estimated at `estimate_usd` would pass a cap.
void check_estimate(const SpendLimits& limits, double estimate_usd, std::size_t predictions, const std::string& what);

// "$0.0300": money as the cap messages show it.
std::string usd(double amount);

class SpendCap {
 public:
  // What one create will cost, from its model and input (dollars).
  using Estimator = std::function<double(const std::string& model, const std::string& input_json)>;
  SpendCap(SpendLimits limits, Estimator estimate);

  // Thread-safe. Reserves the create of `key` (again: no second reservation)
  // unless it would pass a cap; false closes the cap for good.
  bool admit(const std::string& key, const std::string& model, const std::string& input_json);
  // The create was refused outright: nothing was paid.
  void release(const std::string& key);
  // It finished: its real cost replaces the estimate (< 0: not known yet,
  // the estimate stays).
  void settle(const std::string& key, double cost_usd);

  bool closed() const;
  long long predictions() const;  // admitted by this run
  double committed_usd() const;   // recorded + in flight
  // "spend cap reached: ..." with what was spent and what is left to do.
  std::string reached_message(std::size_t not_started) const;

 private:
  SpendLimits limits_;
  Estimator estimate_;
  mutable std::mutex mu_;
  std::map<std::string, double> admitted_;  // key -> cost counted for it
  double committed_ = 0;
  bool closed_ = false;
};

// The estimate of one prediction: per-image prices as published, models
// billed by run time at config generate.estimate_seconds per image on an
// H100 (what a trained Flux LoRA runs on).
double estimate_prediction_cost(const Config& config, const std::string& model, const std::string& input_json);

// The images one prediction's input asks for: its num_outputs, at least 1.
std::size_t requested_images(const std::string& input_json);

}  // namespace photoagent::workflows
