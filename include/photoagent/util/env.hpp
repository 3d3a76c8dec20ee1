#pragma once
// The environment as a seam: the process's own, or a fixed map (tests), so
// code that reads variables can be run with any environment without
// touching the process's (setenv is neither thread-safe nor scoped).

#include <map>
#include <optional>
#include <string>

namespace photoagent::util {

class Env {
 public:
  virtual ~Env() = default;
  // The variable's value, or nothing when unset or empty (an empty token is no token).
  virtual std::optional<std::string> get(const std::string& name) const = 0;
  // True for CI runners (`CI` set to anything but "false"/"0").
  bool ci() const;
};

// The process's environment.
const Env& process_env();

// A fixed set of variables (tests).
class FixedEnv final : public Env {
 public:
  explicit FixedEnv(std::map<std::string, std::string> vars) : vars_(std::move(vars)) {}
  std::optional<std::string> get(const std::string& name) const override;

 private:
  std::map<std::string, std::string> vars_;
};

// Shorthands for the process's environment.
std::optional<std::string> env(const char* name);
bool running_in_ci();

}  // namespace photoagent::util
