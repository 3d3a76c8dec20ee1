#include "photoagent/services/replicate/model_ref.hpp"

#include "photoagent/util/error.hpp"
#include "photoagent/util/text_check.hpp"

namespace photoagent::services::replicate {

namespace {

bool alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// [A-Za-z0-9][A-Za-z0-9._-]*
bool name_part(std::string_view s) {
  if (s.empty() || !alnum(s.front())) return false;
  for (char c : s)
    if (!alnum(c) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

bool version_id(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

bool is_owner_slash_name(std::string_view ref) noexcept {
  if (ref.size() > kMaxModelRef) return false;
  const auto slash = ref.find('/');
  return slash != std::string_view::npos && name_part(ref.substr(0, slash)) && name_part(ref.substr(slash + 1));
}

ModelRef parse_model_ref(const std::string& ref) {
  const std::string_view r(ref);
  const auto colon = r.find(':');
  const std::string_view base = r.substr(0, colon);
  const std::string_view version = colon == std::string_view::npos ? std::string_view() : r.substr(colon + 1);
  if (ref.size() > kMaxModelRef || !is_owner_slash_name(base) || (colon != std::string_view::npos && !version_id(version)))
    throw util::usage_error("'" + util::excerpt(ref) + "' is not a Replicate model" +
                                (ref.size() > kMaxModelRef ? " (longer than " + std::to_string(kMaxModelRef) + " characters)" : ""),
                            "Use OWNER/NAME or OWNER/NAME:VERSION (a 64-character version id).");
  const auto slash = base.find('/');
  return {std::string(base.substr(0, slash)), std::string(base.substr(slash + 1)), std::string(version)};
}

}  // namespace photoagent::services::replicate
