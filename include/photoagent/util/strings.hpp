#pragma once
// Small string helpers used across layers.

#include <string>
#include <string_view>
#include <vector>

namespace photoagent::util {

std::string trim(std::string_view s);
std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool starts_with_icase(std::string_view s, std::string_view prefix);
std::vector<std::string> split(std::string_view s, char sep, bool skip_empty = true);
std::string join(const std::vector<std::string>& parts, std::string_view sep);

}  // namespace photoagent::util
