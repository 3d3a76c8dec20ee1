#include "photoagent/util/env.hpp"

#include <cstdlib>

namespace photoagent::util {

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

bool running_in_ci() {
  auto v = env("CI");
  return v && *v != "false" && *v != "0";
}

}  // namespace photoagent::util
