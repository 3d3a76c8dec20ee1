#include "photoagent/workflows/spend_cap.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "photoagent/util/error.hpp"
#include "photoagent/workflows/trainers.hpp"

namespace photoagent::workflows {
using nlohmann::json;

namespace {

std::optional<double> parse_usd(const std::string& key, const std::string& v) {
  if (v.empty()) return std::nullopt;
  try {
    std::size_t used = 0;
    const double d = std::stod(v, &used);
    if (used == v.size() && std::isfinite(d) && d >= 0) return d;
  } catch (...) {
  }
  throw util::usage_error("config " + key + " is '" + v + "', not an amount of dollars (e.g. 5 or 0.50)",
                          "Fix it with 'photoagent config set " + key + " USD', or unset it.");
}

std::string count(long long n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string usd(double amount) {
  char buf[48];
  std::snprintf(buf, sizeof buf, amount < 1 ? "$%.4f" : "$%.2f", amount);
  return buf;
}

SpendLimits spend_limits(const Config& config, const std::string& command, std::optional<double> max_usd,
                         std::optional<long long> max_predictions) {
  SpendLimits l;
  if (max_usd) {
    if (!std::isfinite(*max_usd) || *max_usd < 0) throw util::usage_error("--max-cost takes dollars, 0 or more");
    l.max_usd = max_usd;
  } else {
    l.max_usd = parse_usd(command + ".max_cost", config.get_or_default(command + ".max_cost"));
  }
  if (max_predictions) {
    if (*max_predictions < 0) throw util::usage_error("--max-predictions takes a count, 0 or more");
    l.max_predictions = max_predictions;
  } else if (!config.get_or_default(command + ".max_predictions").empty()) {
    l.max_predictions = config.get_number(command + ".max_predictions", 0, 1000000000);
  }
  return l;
}

void check_estimate(const SpendLimits& limits, double estimate_usd, std::size_t predictions, const std::string& what) {
  const auto n = static_cast<long long>(predictions);
  if (limits.max_predictions && n > *limits.max_predictions)
    throw util::usage_error(what + " needs " + count(n, "paid prediction", "paid predictions") + " (estimate " +
                            usd(estimate_usd) + "), over --max-predictions " + std::to_string(*limits.max_predictions) +
                            "; nothing was paid");
  // A hair of slack: an estimate equal to the cap is within it.
  if (limits.max_usd && estimate_usd > *limits.max_usd + 1e-9)
    throw util::usage_error(what + " is estimated at " + usd(estimate_usd) + " for " +
                            count(n, "paid prediction", "paid predictions") + ", over --max-cost " +
                            usd(*limits.max_usd) + "; nothing was paid");
}

std::size_t requested_images(const std::string& input_json) {
  const json input = json::parse(input_json, nullptr, false);
  if (input.is_object())
    if (auto it = input.find("num_outputs"); it != input.end() && it->is_number_unsigned())
      return std::max<std::size_t>(1, it->get<std::size_t>());
  return 1;
}

double estimate_prediction_cost(const Config& config, const std::string& model, const std::string& input_json) {
  const std::size_t images = requested_images(input_json);
  const double known = prediction_cost(config, model, -1, images);
  if (known >= 0) return known;
  const double seconds = static_cast<double>(config.get_number("generate.estimate_seconds", 1, 3600));
  return prediction_cost(config, model, seconds * static_cast<double>(images), images);
}

SpendCap::SpendCap(SpendLimits limits, Estimator estimate) : limits_(limits), estimate_(std::move(estimate)) {}

bool SpendCap::admit(const std::string& key, const std::string& model, const std::string& input_json) {
  const double cost = estimate_ ? estimate_(model, input_json) : 0.0;
  std::lock_guard lock(mu_);
  if (admitted_.count(key)) return true;  // the same create asked again (re-sent after reconciling)
  if (closed_) return false;
  const bool too_many =
      limits_.max_predictions && static_cast<long long>(admitted_.size()) + 1 > *limits_.max_predictions;
  const bool too_dear = limits_.max_usd && committed_ + cost > *limits_.max_usd + 1e-9;
  if (too_many || too_dear) {
    closed_ = true;
    return false;
  }
  admitted_.emplace(key, cost);
  committed_ += cost;
  return true;
}

void SpendCap::release(const std::string& key) {
  std::lock_guard lock(mu_);
  if (auto it = admitted_.find(key); it != admitted_.end()) {
    committed_ -= it->second;
    admitted_.erase(it);
  }
}

void SpendCap::settle(const std::string& key, double cost_usd) {
  if (cost_usd < 0) return;
  std::lock_guard lock(mu_);
  if (auto it = admitted_.find(key); it != admitted_.end()) {
    committed_ += cost_usd - it->second;
    it->second = cost_usd;
  }
}

bool SpendCap::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

long long SpendCap::predictions() const {
  std::lock_guard lock(mu_);
  return static_cast<long long>(admitted_.size());
}

double SpendCap::committed_usd() const {
  std::lock_guard lock(mu_);
  return committed_;
}

std::string SpendCap::reached_message(std::size_t not_started) const {
  std::lock_guard lock(mu_);
  std::string caps;
  if (limits_.max_usd) caps += "--max-cost " + usd(*limits_.max_usd);
  if (limits_.max_predictions)
    caps += (caps.empty() ? "" : ", ") + std::string("--max-predictions ") + std::to_string(*limits_.max_predictions);
  return "spend cap reached: " + caps + "; " + count(static_cast<long long>(admitted_.size()), "prediction", "predictions") +
         " paid this run (about " + usd(committed_) + "), " + count(static_cast<long long>(not_started), "item", "items") +
         " not started; run the same command with a higher cap to continue (nothing is paid twice)";
}

}  // namespace photoagent::workflows
