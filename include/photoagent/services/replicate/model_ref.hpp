#pragma once
// A Replicate model reference (reference/replicate.md).

#include <string>

namespace photoagent::services::replicate {

// "owner/name" or "owner/name:version".
struct ModelRef {
  std::string owner;
  std::string name;
  std::string version;  // 64-hex id, or "" for the latest / an official model
  std::string full() const { return owner + "/" + name; }
};
// Parses a reference; util::Error (exit 2) with the expected shape otherwise.
ModelRef parse_model_ref(const std::string& ref);

}  // namespace photoagent::services::replicate
