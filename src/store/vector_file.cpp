#include "vector_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/paths.hpp"

namespace photoagent::store::detail {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

util::Error file_error(const std::string& what, const std::filesystem::path& file) {
  return util::failure("cannot " + what + " " + file.string() + ": " + std::strerror(errno),
                       "Check free space and the folder's permissions; 'photoagent search --index' rebuilds vectors.");
}

}  // namespace

VectorFileLock::VectorFileLock(const std::filesystem::path& file, bool create) {
  if (create) util::ensure_dir(file.parent_path());
  for (;;) {
    Fd fd(::open(file.c_str(), O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600));
    if (fd.get() < 0) {
      if (!create && errno == ENOENT) return;
      throw file_error("open", file);
    }
    while (::flock(fd.get(), LOCK_EX) != 0)
      if (errno != EINTR) throw file_error("lock", file);
    // Compaction may have renamed a new file over the path while this one
    // waited: the lock must be on the file readers will open.
    struct stat held {}, now {};
    if (::fstat(fd.get(), &held) != 0) throw file_error("read the size of", file);
    if (::stat(file.c_str(), &now) == 0 && now.st_ino == held.st_ino && now.st_dev == held.st_dev) {
      fd_ = fd.release();
      return;
    }
    // Replaced or removed meanwhile: again, on what the path names now.
  }
}

VectorFileLock::~VectorFileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

AppendedRows append_vector_rows(const std::filesystem::path& file, int dim, const std::vector<VectorRow>& rows) {
  for (const auto& r : rows)
    if (r.q.q.size() != static_cast<std::size_t>(dim)) throw util::failure("internal: vector of the wrong length");
  // Other processes append too: one at a time, each at the end it sees.
  VectorFileLock lock(file, true);
  struct stat st {};
  if (::fstat(lock.fd(), &st) != 0) throw file_error("read the size of", file);
  const std::size_t stride = row_bytes(dim);
  const auto first = static_cast<std::size_t>(st.st_size) / stride;
  const auto end = static_cast<off_t>(first * stride);
  if (st.st_size != end && ::ftruncate(lock.fd(), end) != 0) throw file_error("trim", file);  // a torn row
  std::string bytes(stride * rows.size(), '\0');
  for (std::size_t i = 0; i < rows.size(); ++i) {
    char* row = bytes.data() + i * stride;
    std::memcpy(row, &rows[i].image_id, sizeof rows[i].image_id);
    std::memcpy(row + 8, &rows[i].q.scale, sizeof rows[i].q.scale);
    std::memcpy(row + kRowHeader, rows[i].q.q.data(), rows[i].q.q.size());
  }
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::pwrite(lock.fd(), bytes.data() + done, bytes.size() - done, end + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw file_error("write", file);
    done += static_cast<std::size_t>(n);
  }
  // Recorded in the database only once it is on disk (vectors.hpp).
  if (::fdatasync(lock.fd()) != 0) throw file_error("sync", file);
  return {static_cast<std::int64_t>(first), std::move(lock)};
}

void rewrite_vector_rows(const std::filesystem::path& file, int dim, const std::vector<std::size_t>& keep,
                         const VectorFileLock& lock) {
  if (!lock.locked()) throw util::failure("internal: rewriting a vector file without its lock");
  const MatrixView view(file, dim);
  const std::size_t stride = row_bytes(dim);
  util::AtomicFile out(file, 0600);
  std::string chunk;
  chunk.reserve(stride * 1024);
  for (const auto r : keep) {
    if (r >= view.rows()) throw util::failure("internal: vector row " + std::to_string(r) + " past the file's end");
    chunk.append(reinterpret_cast<const char*>(view.row(r)), stride);
    if (chunk.size() >= stride * 1024) {
      out.write(chunk);
      chunk.clear();
    }
  }
  out.write(chunk);
  out.commit();
}

MatrixView::MatrixView(const std::filesystem::path& file, int dim, bool populate) : stride_(row_bytes(dim)), dim_(dim) {
  Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return;
    throw file_error("open", file);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw file_error("read the size of", file);
  rows_ = static_cast<std::size_t>(st.st_size) / stride_;
  mapped_ = rows_ * stride_;
  if (mapped_ == 0) return;
  // Populated at once: a scan reads every page anyway, and faulting them in
  // one by one costs more than the arithmetic.
  void* p = ::mmap(nullptr, mapped_, PROT_READ, MAP_SHARED | (populate ? MAP_POPULATE : 0), fd.get(), 0);
  if (p == MAP_FAILED) throw file_error("map", file);
  base_ = static_cast<const unsigned char*>(p);
}

MatrixView::~MatrixView() {
  if (base_) ::munmap(const_cast<unsigned char*>(base_), mapped_);
}

std::int64_t MatrixView::image_id(std::size_t r) const {
  std::int64_t id;
  std::memcpy(&id, base_ + r * stride_, sizeof id);
  return id;
}

float MatrixView::scale(std::size_t r) const {
  float s;
  std::memcpy(&s, base_ + r * stride_ + 8, sizeof s);
  return s;
}

}  // namespace photoagent::store::detail
