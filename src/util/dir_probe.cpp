#include "photoagent/util/dir_probe.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "photoagent/util/error.hpp"

namespace photoagent::util {
namespace fs = std::filesystem;

void check_output_dir(const fs::path& dir, std::string_view flag) {
  const std::string named = std::string(flag) + " " + dir.string();
  fs::path at = fs::absolute(dir).lexically_normal();
  if (at.filename().empty()) at = at.parent_path();  // "out/" is "out"
  for (;;) {
    std::error_code ec;
    const auto kind = fs::status(at, ec).type();
    if (kind == fs::file_type::directory) break;
    if (kind == fs::file_type::not_found && at.has_parent_path() && at.parent_path() != at) {
      at = at.parent_path();
      continue;
    }
    if (kind == fs::file_type::not_found || (ec && kind == fs::file_type::none))
      throw usage_error(named + ": cannot reach " + at.string() + (ec ? " (" + ec.message() + ")" : ""));
    throw usage_error(named + ": " + at.string() + " is a file, not a folder", "Name a folder for the images.");
  }
  std::random_device rd;
  const fs::path probe = at / (".photoagent-probe-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  int err = fd < 0 ? errno : 0;
  if (fd >= 0) {
    // One byte needs a block: a full disk (or an exhausted quota) shows here.
    ssize_t n;
    do n = ::write(fd, "x", 1);
    while (n < 0 && errno == EINTR);
    if (n != 1) err = n < 0 ? errno : ENOSPC;
    ::close(fd);
    ::unlink(probe.c_str());
  }
  if (err != 0)
    throw usage_error(named + ": cannot write into " + at.string() + " (" + std::strerror(err) + ")",
                      "Choose a folder you can write to, with free space.");
}

}  // namespace photoagent::util
