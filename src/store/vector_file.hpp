#pragma once
// The matrix file of a vector space (vectors.hpp): fixed-size rows of
// [int64 image id][float scale][uint32 0][DIM x int8], appended under an
// exclusive lock and synced; read through a read-only mapping of the whole
// rows (a trailing partial row is not part of it).

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
// Appends rows in one write and one sync (after cutting a trailing partial
// row); returns the index of the first.
std::int64_t append_vector_rows(const std::filesystem::path& file, int dim, const std::vector<VectorRow>& rows);

class MatrixView {
 public:
  MatrixView(const std::filesystem::path& file, int dim);  // no file: no rows
  ~MatrixView();
  MatrixView(const MatrixView&) = delete;
  MatrixView& operator=(const MatrixView&) = delete;

  std::size_t rows() const { return rows_; }
  int dim() const { return dim_; }
  std::int64_t image_id(std::size_t r) const;
  float scale(std::size_t r) const;
  const std::int8_t* components(std::size_t r) const {
    return reinterpret_cast<const std::int8_t*>(base_ + r * stride_ + kRowHeader);
  }

 private:
  const unsigned char* base_ = nullptr;
  std::size_t mapped_ = 0, rows_ = 0, stride_ = 0;
  int dim_ = 0;
};

}  // namespace photoagent::store::detail
