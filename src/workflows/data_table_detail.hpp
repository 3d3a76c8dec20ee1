#pragma once
// Tables that are data (trainers, styles): built-in entries, with a config
// key holding a JSON object whose entries add to or patch them.

#include <nlohmann/json.hpp>
#include <string>

#include "photoagent/util/error.hpp"
#include "photoagent/workflows/config.hpp"

namespace photoagent::workflows::detail {

inline nlohmann::json table_with_overrides(const Config& config, const std::string& key,
                                           const nlohmann::json& builtins) {
  nlohmann::json t = builtins;
  const std::string extra = config.get_or_default(key);
  if (extra.empty()) return t;
  nlohmann::json j = nlohmann::json::parse(extra, nullptr, false);
  if (!j.is_object()) throw util::usage_error("config " + key + " must be a JSON object of entries");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it->is_object()) throw util::usage_error("config " + key + "." + it.key() + " must be a JSON object");
    if (t.contains(it.key())) t[it.key()].merge_patch(*it);
    else t[it.key()] = *it;
  }
  return t;
}

}  // namespace photoagent::workflows::detail
