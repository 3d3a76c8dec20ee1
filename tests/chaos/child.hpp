#pragma once
// A child process for the chaos runner: started with stdout/stderr going to
// files (a batch's JSON lines can be long), polled without blocking, and
// killed with SIGKILL at a moment the runner picks.

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace chaos {

class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
        const std::filesystem::path& out, const std::filesystem::path& err);
  ~Child();  // kills and reaps a child still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  bool running();          // false once it exited (then code() is set)
  void kill9();            // SIGKILL and reap
  int wait(int timeout_s); // waits; kills after the timeout; returns code()
  int code() const { return code_; }  // exit code, or 128 + signal
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int code_ = -1;
};

}  // namespace chaos
