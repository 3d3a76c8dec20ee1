#include "photoagent/workflows/categories.hpp"

#include <algorithm>

#include "photoagent/util/error.hpp"
#include "photoagent/util/strings.hpp"

namespace photoagent::workflows {

std::vector<std::string> categories_for(const Config& config, const std::string& kind) {
  std::string list = config.get_or_default("categories." + kind);
  return util::split(util::to_lower(list), ',');
}

void validate_category(const Config& config, const std::string& kind, const std::string& category) {
  auto all = categories_for(config, kind);
  if (std::find(all.begin(), all.end(), category) != all.end()) return;
  throw util::usage_error("'" + category + "' is not a " + kind + " category",
                          "Use one of: " + util::join(all, ", ") + " (config key categories." + kind + ").");
}

std::string normalise_tags(const std::string& tags) {
  std::vector<std::string> out;
  for (auto& t : util::split(util::to_lower(tags), ','))
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  return util::join(out, ",");
}

}  // namespace photoagent::workflows
