#pragma once
// Photo categories are data per project kind (the trainer wants variety:
// close-ups and full-body shots, several angles). Config keys
// `categories.person` / `categories.product` (comma lists) override them.

#include <string>
#include <vector>

#include "photoagent/workflows/config.hpp"

namespace photoagent::workflows {

std::vector<std::string> categories_for(const Config& config, const std::string& kind);

// Throws util::Error (exit 2) listing the valid ones when `category` is not one.
void validate_category(const Config& config, const std::string& kind, const std::string& category);

// "a, b ,a" -> "a,b": trimmed, lower-case, de-duplicated, order kept.
std::string normalise_tags(const std::string& tags);

}  // namespace photoagent::workflows
