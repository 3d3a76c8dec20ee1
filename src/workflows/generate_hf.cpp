// What --provider huggingface needs besides the runner's backend: the image
// size for an aspect ratio, and the check that hf-inference serves a model.

#include <cmath>
#include <map>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>

#include "photoagent/services/huggingface/providers.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/hash.hpp"
#include "photoagent/util/text_check.hpp"
#include "generate_detail.hpp"

namespace photoagent::workflows {
using nlohmann::json;
namespace fs = std::filesystem;

// "3:4" -> 768x1024 (long side 1024, multiples of 8).
std::pair<int, int> hf_image_size(const std::string& aspect) {
  // A plain scan (the text may be a batch line's): 1-3 digits, ':', 1-3 digits.
  const auto colon = aspect.find(':');
  const auto number = [&](std::string_view part) -> std::optional<std::int64_t> {
    return part.size() <= 3 ? util::parse_int64(part) : std::nullopt;
  };
  const auto wn = colon == std::string::npos ? std::nullopt : number(std::string_view(aspect).substr(0, colon));
  const auto hn = colon == std::string::npos ? std::nullopt : number(std::string_view(aspect).substr(colon + 1));
  if (!wn || !hn || *wn < 0 || *hn < 0)
    throw util::usage_error("--aspect takes W:H, e.g. 3:4, not '" + util::excerpt(aspect) + "'");
  const double w = static_cast<double>(*wn), h = static_cast<double>(*hn);
  if (w <= 0 || h <= 0) throw util::usage_error("--aspect takes W:H with both above 0");
  auto side = [](double v) { return std::max(64, static_cast<int>(std::lround(v / 8)) * 8); };
  return w >= h ? std::pair{1024, side(1024 * h / w)} : std::pair{side(1024 * w / h), 1024};
}

// hf-inference serves few models: ask the Hub once per model and process
// (a batch of many lines names the same model), before anything runs.
void check_hf_inference(const services::Api& inference, const std::string& model) {
  static std::mutex mu;
  static std::map<std::string, std::optional<util::Error>> seen;
  const services::Api hub = inference.rebased({});
  const std::string key = hub.base() + "\n" + model;
  std::lock_guard lock(mu);
  auto it = seen.find(key);
  if (it == seen.end()) {
    std::optional<util::Error> refusal;
    try {
      services::huggingface::require_hf_inference(hub, model);
    } catch (const util::Error& e) {
      // Only the Hub's answer is kept; a failure to ask is asked again.
      if (e.code() != util::ExitCode::usage && e.code() != util::ExitCode::not_found) throw;
      refusal = e;
    }
    it = seen.emplace(key, std::move(refusal)).first;
  }
  if (it->second) throw *it->second;
}

}  // namespace photoagent::workflows
