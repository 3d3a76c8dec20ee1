#pragma once
// Environment access in one place, so tests and the code agree on names.

#include <optional>
#include <string>

namespace photoagent::util {

// The variable's value, or nothing when unset or empty (an empty token is no token).
std::optional<std::string> env(const char* name);

// True for CI runners (`CI` set to anything but "false"/"0").
bool running_in_ci();

}  // namespace photoagent::util
