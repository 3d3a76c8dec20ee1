#include "photoagent/util/env.hpp"

#include <cstdlib>

namespace photoagent::util {

namespace {
class ProcessEnv final : public Env {
 public:
  std::optional<std::string> get(const std::string& name) const override {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  }
};
}  // namespace

bool Env::ci() const {
  auto v = get("CI");
  return v && *v != "false" && *v != "0";
}

const Env& process_env() {
  static const ProcessEnv env;
  return env;
}

std::optional<std::string> FixedEnv::get(const std::string& name) const {
  auto it = vars_.find(name);
  if (it == vars_.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::optional<std::string> env(const char* name) { return process_env().get(name); }
bool running_in_ci() { return process_env().ci(); }

}  // namespace photoagent::util
