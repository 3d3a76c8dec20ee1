#include "photoagent/image/pixels.hpp"

#include <cstdlib>
#include <string>

#include "photoagent/util/error.hpp"

namespace photoagent::image {
namespace {
void free_malloced(void* p) { std::free(p); }
}  // namespace

PixelBuffer PixelBuffer::allocate(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr)
    throw util::Error(util::ExitCode::error,
                      "out of memory: cannot allocate " + std::to_string(size / (1024 * 1024)) + " MiB for pixels",
                      "use fewer parallel workers or smaller images");
  return PixelBuffer(static_cast<unsigned char*>(p), size, &free_malloced);
}

RgbImage RgbImage::allocate(std::uint32_t width, std::uint32_t height) {
  RgbImage img;
  img.width = width;
  img.height = height;
  img.pixels = PixelBuffer::allocate(std::size_t{width} * height * 3);
  return img;
}

}  // namespace photoagent::image
