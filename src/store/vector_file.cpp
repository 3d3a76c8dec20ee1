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

 private:
  int fd_;
};

util::Error file_error(const std::string& what, const std::filesystem::path& file) {
  return util::failure("cannot " + what + " " + file.string() + ": " + std::strerror(errno),
                       "Check free space and the folder's permissions; 'photoagent search --index' rebuilds vectors.");
}

}  // namespace

std::int64_t append_vector_rows(const std::filesystem::path& file, int dim, const std::vector<VectorRow>& rows) {
  for (const auto& r : rows)
    if (r.q.q.size() != static_cast<std::size_t>(dim)) throw util::failure("internal: vector of the wrong length");
  util::ensure_dir(file.parent_path());
  Fd fd(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (fd.get() < 0) throw file_error("open", file);
  // Other processes append too: one at a time, each at the end it sees.
  while (::flock(fd.get(), LOCK_EX) != 0)
    if (errno != EINTR) throw file_error("lock", file);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw file_error("read the size of", file);
  const std::size_t stride = row_bytes(dim);
  const auto first = static_cast<std::size_t>(st.st_size) / stride;
  const auto end = static_cast<off_t>(first * stride);
  if (st.st_size != end && ::ftruncate(fd.get(), end) != 0) throw file_error("trim", file);  // a torn row
  std::string bytes(stride * rows.size(), '\0');
  for (std::size_t i = 0; i < rows.size(); ++i) {
    char* row = bytes.data() + i * stride;
    std::memcpy(row, &rows[i].image_id, sizeof rows[i].image_id);
    std::memcpy(row + 8, &rows[i].q.scale, sizeof rows[i].q.scale);
    std::memcpy(row + kRowHeader, rows[i].q.q.data(), rows[i].q.q.size());
  }
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::pwrite(fd.get(), bytes.data() + done, bytes.size() - done, end + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw file_error("write", file);
    done += static_cast<std::size_t>(n);
  }
  // Recorded in the database only once it is on disk (vectors.hpp).
  if (::fdatasync(fd.get()) != 0) throw file_error("sync", file);
  return static_cast<std::int64_t>(first);
}

MatrixView::MatrixView(const std::filesystem::path& file, int dim) : stride_(row_bytes(dim)), dim_(dim) {
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
  void* p = ::mmap(nullptr, mapped_, PROT_READ, MAP_SHARED | MAP_POPULATE, fd.get(), 0);
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
