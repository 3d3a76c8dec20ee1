#pragma once
// The one error type of photoagent. It carries a message a user can act on,
// an optional hint (usually the command to run next) and a stable exit code.
// It is thrown anywhere and caught once, in main.

#include <exception>
#include <string>

namespace photoagent::util {

// Documented in README and `photoagent --help`; scripts depend on them.
enum class ExitCode : int {
  ok = 0,
  error = 1,        // generic failure
  usage = 2,        // bad flags or arguments
  not_found = 3,    // a project, image or job that does not exist
  auth = 4,         // missing or rejected credentials
  remote = 5,       // a remote service failed or is unreachable
  partial = 6,      // some items of a batch or multi-file command failed
  pending = 8,      // `status --exit-status`: still running
  interrupted = 130,
  terminated = 143,
};

class Error : public std::exception {
 public:
  Error(ExitCode code, std::string message, std::string hint = {});

  const char* what() const noexcept override { return message_.c_str(); }
  ExitCode code() const noexcept { return code_; }
  int exit_code() const noexcept { return static_cast<int>(code_); }
  const std::string& message() const noexcept { return message_; }
  const std::string& hint() const noexcept { return hint_; }
  // Ctrl-C or SIGTERM (exit 130 / 143): a catch that turns errors into a
  // per-item failure rethrows these, so the whole command stops.
  bool is_interruption() const noexcept { return code_ == ExitCode::interrupted || code_ == ExitCode::terminated; }

 private:
  ExitCode code_;
  std::string message_;
  std::string hint_;
};

// Shorthands that keep call sites one line long.
Error usage_error(std::string message, std::string hint = {});
Error not_found(std::string message, std::string hint = {});
Error auth_error(std::string message, std::string hint = {});
Error remote_error(std::string message, std::string hint = {});
Error failure(std::string message, std::string hint = {});

}  // namespace photoagent::util
