#include "photoagent/util/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "photoagent/util/error.hpp"

namespace photoagent::util {
namespace fs = std::filesystem;

namespace {
// EFBIG is `ulimit -f` (SIGXFSZ is ignored): said as plainly as a full disk.
std::string reason() {
  const int err = errno;
  return std::string(std::strerror(err)) + (err == EFBIG ? " (the file size limit, ulimit -f, is reached)" : "");
}
}

FileHandle open_file(const fs::path& path, const char* mode) {
  // "e": close-on-exec, so no descriptor of ours leaks into a child process.
  const std::string m = std::string(mode) + "e";
  FileHandle f(std::fopen(path.c_str(), m.c_str()));
  if (!f) throw failure("cannot open " + path.string() + ": " + reason());
  return f;
}

std::string read_file(const fs::path& path, std::size_t max_bytes) {
  auto f = open_file(path, "rb");
  std::string data;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) {
    data.append(buf, n);
    if (data.size() > max_bytes)
      throw failure(path.string() + " is larger than " + std::to_string(max_bytes >> 20) + " MiB");
  }
  if (std::ferror(f.get())) throw failure("cannot read " + path.string() + ": " + reason());
  return data;
}

AtomicFile::AtomicFile(fs::path target, unsigned mode) : target_(std::move(target)) {
  std::random_device rd;
  temp_ = target_;
  temp_ += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd());
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd_ < 0) throw failure("cannot write " + target_.string() + ": " + reason());
  ::fchmod(fd_, mode);  // the umask must not widen or narrow what we asked for
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(temp_.c_str());
  }
}

void AtomicFile::write(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw failure("cannot write " + target_.string() + ": " + reason());
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

void AtomicFile::commit() {
  if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
    fd_ = -1;
    ::unlink(temp_.c_str());
    throw failure("cannot write " + target_.string() + ": " + reason());
  }
  fd_ = -1;
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    std::string why = reason();
    ::unlink(temp_.c_str());
    throw failure("cannot write " + target_.string() + ": " + why);
  }
}

void write_file_atomic(const fs::path& path, std::string_view data, unsigned mode) {
  AtomicFile f(path, mode);
  f.write(data);
  f.commit();
}

bool is_group_or_world_accessible(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  return (st.st_mode & (S_IRWXG | S_IRWXO)) != 0;
}

}  // namespace photoagent::util
