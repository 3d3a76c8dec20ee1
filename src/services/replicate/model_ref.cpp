#include "photoagent/services/replicate/model_ref.hpp"

#include <regex>

#include "photoagent/util/error.hpp"

namespace photoagent::services::replicate {

ModelRef parse_model_ref(const std::string& ref) {
  static const std::regex shape(R"(^([A-Za-z0-9][A-Za-z0-9._-]*)/([A-Za-z0-9][A-Za-z0-9._-]*)(?::([0-9a-f]{64}))?$)");
  std::smatch m;
  if (!std::regex_match(ref, m, shape))
    throw util::usage_error("'" + ref + "' is not a Replicate model",
                            "Use OWNER/NAME or OWNER/NAME:VERSION (a 64-character version id).");
  return {m[1], m[2], m[3]};
}

}  // namespace photoagent::services::replicate
