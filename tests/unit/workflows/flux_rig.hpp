#pragma once
// What the generate unit tests stand on: a cache, a config, and a Replicate
// API on a scripted transport that serves flux-schnell (official, version
// dp-1) with the input properties a test asks for.

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "photoagent/net/retry.hpp"
#include "photoagent/net/rate_limit.hpp"
#include "photoagent/services/api.hpp"
#include "photoagent/store/database.hpp"
#include "photoagent/util/env.hpp"
#include "photoagent/workflows/config.hpp"
#include "support.hpp"

namespace testing {

inline std::string flux_model_json(const nlohmann::json& input_properties) {
  nlohmann::json version = {{"id", "dp-1"}};
  version["openapi_schema"]["components"]["schemas"]["Input"]["properties"] = input_properties;
  nlohmann::json model = {{"owner", "black-forest-labs"}, {"name", "flux-schnell"}, {"is_official", true}};
  model["latest_version"] = version;
  return model.dump();
}

struct FluxRig {
  TempDir dir;
  photoagent::store::Database db{dir.path()};
  photoagent::workflows::Config config{dir.path() / "config.json", photoagent::util::FixedEnv({})};
  std::shared_ptr<ScriptedTransport> t = std::make_shared<ScriptedTransport>();
  photoagent::net::Client client{t, photoagent::net::RetryPolicy{}, [](std::chrono::milliseconds) {}};
  photoagent::services::Api api{client, photoagent::services::Service::replicate, "r8_x", "https://api.example/v1"};
  photoagent::net::SlidingWindowLimiter limiter{600, std::chrono::seconds(60)};
  explicit FluxRig(const nlohmann::json& input_properties) {
    t->on("GET", "/models/black-forest-labs/flux-schnell", 200, flux_model_json(input_properties));
  }
};

}  // namespace testing
