#pragma once
// The matrix file of a vector space (vectors.hpp): fixed-size rows of
// [int64 image id][float scale][uint32 0][DIM x int8], appended under an
// exclusive lock and synced; read through a read-only mapping of the whole
// rows (a trailing partial row is not part of it). `cache gc` rewrites it
// without the rows no image uses, under the same lock.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "photoagent/util/vectors.hpp"

namespace photoagent::store::detail {

inline constexpr std::size_t kRowHeader = 16;
inline std::size_t row_bytes(int dim) { return kRowHeader + static_cast<std::size_t>(dim); }

struct VectorRow {
  std::int64_t image_id = 0;
  util::QuantisedVector q;
};

// The exclusive lock on a matrix file, held by appenders until their rows
// are recorded and by compaction until the rewritten file is recorded, so
// neither sees the other's half-done work. Always taken before the database
// write transaction (one order: no deadlock). On the file the path names
// now: a lock won on a file compaction replaced meanwhile is taken again.
class VectorFileLock {
 public:
  VectorFileLock() = default;
  // create: make the file when missing; else no file leaves locked() false.
  VectorFileLock(const std::filesystem::path& file, bool create);
  ~VectorFileLock();
  VectorFileLock(VectorFileLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  VectorFileLock& operator=(VectorFileLock&&) = delete;
  VectorFileLock(const VectorFileLock&) = delete;
  bool locked() const { return fd_ >= 0; }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

struct AppendedRows {
  std::int64_t first = 0;  // index of the first row appended
  VectorFileLock lock;     // held until the caller has recorded them
};
// Appends rows in one write and one sync (after cutting a trailing partial
// row).
AppendedRows append_vector_rows(const std::filesystem::path& file, int dim, const std::vector<VectorRow>& rows);

// Replaces the file (locked by `lock`) with the rows `keep` of it, in that
// order: a temporary file beside it, synced, then renamed over it.
void rewrite_vector_rows(const std::filesystem::path& file, int dim, const std::vector<std::size_t>& keep,
                         const VectorFileLock& lock);

class MatrixView {
 public:
  // No file: no rows. `populate`: fault every page in at once (a scan);
  // false for a look at a row or two, which then reads only their pages.
  MatrixView(const std::filesystem::path& file, int dim, bool populate = true);
  ~MatrixView();
  MatrixView(const MatrixView&) = delete;
  MatrixView& operator=(const MatrixView&) = delete;

  std::size_t rows() const { return rows_; }
  int dim() const { return dim_; }
  std::int64_t image_id(std::size_t r) const;
  float scale(std::size_t r) const;
  // Row `row` exists and is `image_id`'s: a database record that the file
  // (replaced, cut or compacted) still backs.
  bool holds(std::int64_t row, std::int64_t image_id) const {
    return row >= 0 && static_cast<std::size_t>(row) < rows_ && this->image_id(static_cast<std::size_t>(row)) == image_id;
  }
  const unsigned char* row(std::size_t r) const { return base_ + r * stride_; }  // row_bytes(dim) bytes
  const std::int8_t* components(std::size_t r) const {
    return reinterpret_cast<const std::int8_t*>(base_ + r * stride_ + kRowHeader);
  }

 private:
  const unsigned char* base_ = nullptr;
  std::size_t mapped_ = 0, rows_ = 0, stride_ = 0;
  int dim_ = 0;
};

}  // namespace photoagent::store::detail
