// PNG encoding with Debian's header-only stb_image_write (libstb-dev), compiled
// here and nowhere else. Used for contact sheets saved as .png: the pixels are
// ours, so stb's writer only ever sees trusted input. Static functions
// (STB_IMAGE_WRITE_STATIC) keep its symbols private to this translation unit.
#include <climits>
#include <string>
#include <vector>

#include "photoagent/image/encode.hpp"
#include "photoagent/util/error.hpp"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#define STBI_WRITE_NO_STDIO
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"  // the BMP/TGA/HDR/JPEG writers we never call
#endif
#include <stb/stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace photoagent::image {
namespace {

void append(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<unsigned char>*>(context);
  const auto* p = static_cast<const unsigned char*>(data);
  out->insert(out->end(), p, p + size);
}

}  // namespace

std::vector<unsigned char> encode_png(const RgbImage& img) {
  using util::Error;
  using util::ExitCode;
  if (img.width == 0 || img.height == 0 || img.pixels.empty())
    throw Error(ExitCode::error, "cannot encode an empty image");
  // stb_image_write keeps sizes in int: the filtered scanlines ((3w + 1) * h
  // bytes) and the deflate buffer must stay well below INT_MAX.
  if ((std::uint64_t{img.width} * 3 + 1) * img.height > std::uint64_t{INT_MAX} / 2)
    throw Error(ExitCode::error,
                "image is too large to save as PNG (" + std::to_string(img.width) + "x" + std::to_string(img.height) +
                    ")",
                "save it as .jpg instead");
  std::vector<unsigned char> out;
  if (stbi_write_png_to_func(&append, &out, static_cast<int>(img.width), static_cast<int>(img.height), 3,
                             img.pixels.data(), static_cast<int>(img.stride())) == 0)
    throw Error(ExitCode::error, "cannot encode PNG (out of memory)");
  return out;
}

}  // namespace photoagent::image
