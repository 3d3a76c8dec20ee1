#include "watcher.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <vector>

#include "photoagent/util/error.hpp"
#include "photoagent/util/paths.hpp"

namespace photoagent::cli {
namespace {

// The watcher starts with stdin, stdout and stderr only: not the parent's
// network sockets, database or lock files (some libraries open theirs
// without close-on-exec). Runs between fork and exec: system calls only.
void close_inherited() {
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, 3U, ~0U, 0U) == 0) return;
#endif
  struct rlimit lim{};
  const long max = ::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY
                       ? static_cast<long>(std::min<rlim_t>(lim.rlim_cur, 1 << 20))
                       : 65536;
  for (long fd = 3; fd < max; ++fd) ::close(static_cast<int>(fd));
}

}  // namespace

std::filesystem::path start_watcher(const std::filesystem::path& data_dir, const std::string& profile,
                                    const std::string& ref) {
  const auto logs = data_dir / "logs";
  util::ensure_dir(logs, 0700);
  const auto log = logs / ("watch-" + ref + ".log");
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) throw util::failure("cannot find photoagent's own binary to start the watcher");
  self[n] = '\0';
  std::vector<std::string> args{self, "--profile", profile, "__watch", ref};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  // Double fork: the watcher is reparented to init and never becomes our zombie.
  const pid_t child = ::fork();
  if (child < 0) throw util::failure(std::string("cannot start the watcher: ") + std::strerror(errno));
  if (child == 0) {
    if (::fork() != 0) ::_exit(0);
    ::setsid();
    const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (in < 0 || out < 0) ::_exit(1);
    ::dup2(in, 0);  // dup2 clears close-on-exec on 0-2 only
    ::dup2(out, 1);
    ::dup2(out, 2);
    close_inherited();
    ::execv(self, argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return log;
}

}  // namespace photoagent::cli
