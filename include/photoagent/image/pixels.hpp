#pragma once
// An owned 8-bit RGB raster: rows top to bottom, 3 bytes per pixel (R, G, B),
// no row padding. The buffer comes from malloc, stb_image or TurboJPEG and is
// released by the matching function (RAII; move-only).

#include <cstddef>
#include <cstdint>
#include <utility>

namespace photoagent::image {

class PixelBuffer {
 public:
  using FreeFn = void (*)(void*);

  PixelBuffer() = default;
  // Takes ownership of `data` (size bytes), released with `free_fn`.
  PixelBuffer(unsigned char* data, std::size_t size, FreeFn free_fn) noexcept
      : data_(data), size_(size), free_(free_fn) {}
  PixelBuffer(PixelBuffer&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)), free_(o.free_) {}
  PixelBuffer& operator=(PixelBuffer&& o) noexcept {
    if (this != &o) {
      reset();
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
      free_ = o.free_;
    }
    return *this;
  }
  PixelBuffer(const PixelBuffer&) = delete;
  PixelBuffer& operator=(const PixelBuffer&) = delete;
  ~PixelBuffer() { reset(); }

  // Uninitialised malloc'd storage; throws util::Error when memory runs out.
  static PixelBuffer allocate(std::size_t size);

  unsigned char* data() noexcept { return data_; }
  const unsigned char* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return data_ == nullptr; }
  // Shrinks the logical size (after an in-place conversion to fewer channels);
  // the allocation itself is unchanged and still released as a whole.
  void truncate(std::size_t n) noexcept {
    if (n < size_) size_ = n;
  }

 private:
  void reset() noexcept {
    if (data_ != nullptr && free_ != nullptr) free_(data_);
    data_ = nullptr;
    size_ = 0;
  }
  unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
  FreeFn free_ = nullptr;
};

struct RgbImage {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  PixelBuffer pixels;  // width * height * 3 bytes

  // Allocates an uninitialised width x height image (throws util::Error).
  static RgbImage allocate(std::uint32_t width, std::uint32_t height);

  std::size_t stride() const noexcept { return std::size_t{width} * 3; }
  unsigned char* row(std::uint32_t y) noexcept { return pixels.data() + y * stride(); }
  const unsigned char* row(std::uint32_t y) const noexcept { return pixels.data() + y * stride(); }
};

}  // namespace photoagent::image
