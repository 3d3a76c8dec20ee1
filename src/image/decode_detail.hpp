#pragma once
// Internal: pieces shared by decode.cpp and the WebP decoder (webp_decode.cpp).

#include <span>

#include "photoagent/image/decode.hpp"

namespace photoagent::image::detail {

// Equals (c*a + 255*(255-a) + 127) / 255 for every c, a in 0..255 (checked
// exhaustively), without a division.
inline unsigned char over_white(unsigned c, unsigned a) {
  unsigned x = c * a + 255u * (255u - a) + 128u;
  return static_cast<unsigned char>((x + (x >> 8)) >> 8);
}

// RGBA -> RGB over white, in place: writing (3 bytes per pixel) never
// overtakes reading (4 bytes per pixel). `buf` is truncated to px * 3.
inline void rgba_over_white_in_place(PixelBuffer& buf, std::size_t px) {
  unsigned char* p = buf.data();
  for (std::size_t i = 0; i < px; ++i) {
    const unsigned char* s = p + 4 * i;
    const unsigned a = s[3];
    const unsigned char r = over_white(s[0], a), g = over_white(s[1], a), b = over_white(s[2], a);
    unsigned char* d = p + 3 * i;
    d[0] = r;
    d[1] = g;
    d[2] = b;
  }
  buf.truncate(px * 3);
}

// WebP header (libwebp's WebPGetFeatures): size and alpha; animated images
// and malformed headers throw util::Error. Limits are checked by the caller.
ImageInfo probe_webp(std::span<const unsigned char> bytes);

// Full-size decode of a WebP whose header probe_webp() accepted (and whose
// size the caller checked against the limits).
RgbImage decode_webp(std::span<const unsigned char> bytes, const ImageInfo& info);

}  // namespace photoagent::image::detail
