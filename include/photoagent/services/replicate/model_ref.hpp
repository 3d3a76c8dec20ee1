#pragma once
// A Replicate model reference (reference/replicate.md).

#include <cstddef>
#include <string>
#include <string_view>

namespace photoagent::services::replicate {

// "owner/name" or "owner/name:version".
struct ModelRef {
  std::string owner;
  std::string name;
  std::string version;  // 64-hex id, or "" for the latest / an official model
  std::string full() const { return owner + "/" + name; }
};
// Parses a reference; util::Error (exit 2) with the expected shape otherwise.
// At most kMaxModelRef characters: references come from users and batch
// lines, and are checked by a plain scan.
ModelRef parse_model_ref(const std::string& ref);
inline constexpr std::size_t kMaxModelRef = 200;

// "OWNER/NAME", each part a letter or digit then letters, digits, '.', '_'
// or '-' (Replicate models and Hub repos alike); false above kMaxModelRef.
bool is_owner_slash_name(std::string_view ref) noexcept;

}  // namespace photoagent::services::replicate
