#pragma once
// Resource limits applied to every input before any pixel is decoded.
// A file over a limit is refused with a message naming its size.

#include <cstddef>
#include <cstdint>

namespace photoagent::image {

struct Limits {
  // Width x height as declared in the file header. PNG is decoded at full size
  // (about 4-8 bytes per pixel of transient memory); JPEG is DCT-scaled, so a
  // large JPEG costs far less.
  std::uint64_t max_pixels = 100'000'000;
  // Each side, in pixels, as declared in the file header.
  std::uint32_t max_side = 20000;
  // Size of the encoded file. Callers should stat() before reading the file.
  std::size_t max_file_bytes = 50'000'000;
};

}  // namespace photoagent::image
