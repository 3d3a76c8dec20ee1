#include "child.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace chaos {

Child::Child(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
             const std::filesystem::path& out, const std::filesystem::path& err) {
  std::vector<std::string> args = argv, envs;
  for (const auto& [k, v] : env) envs.push_back(k + "=" + v);
  std::vector<char*> cargs, cenv;
  for (auto& s : args) cargs.push_back(s.data());
  for (auto& s : envs) cenv.push_back(s.data());
  cargs.push_back(nullptr);
  cenv.push_back(nullptr);
  const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (o < 0 || e < 0) throw std::runtime_error("chaos: cannot open the output files");
  pid_ = fork();
  if (pid_ == 0) {
    const int in = ::open("/dev/null", O_RDONLY);
    dup2(in, 0);
    dup2(o, 1);
    dup2(e, 2);
    execve(cargs[0], cargs.data(), cenv.data());
    _exit(127);
  }
  ::close(o);
  ::close(e);
  if (pid_ < 0) throw std::runtime_error("chaos: fork failed");
}

Child::~Child() {
  if (pid_ > 0 && code_ < 0) kill9();
}

static int decode(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

bool Child::running() {
  if (code_ >= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    code_ = decode(status);
    return false;
  }
  return true;
}

void Child::kill9() {
  if (code_ >= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  code_ = decode(status);
}

int Child::wait(int timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill9();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return code_;
}

}  // namespace chaos
