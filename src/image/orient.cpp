#include "photoagent/image/orient.hpp"

#include <algorithm>
#include <cstring>

namespace photoagent::image {
namespace {

inline void copy_px(unsigned char* d, const unsigned char* s) {
  d[0] = s[0];
  d[1] = s[1];
  d[2] = s[2];
}

}  // namespace

RgbImage apply_orientation(const RgbImage& src, int orientation) {
  const std::uint32_t w = src.width, h = src.height;
  const bool swap = orientation >= 5 && orientation <= 8;
  RgbImage dst = RgbImage::allocate(swap ? h : w, swap ? w : h);
  const std::uint32_t dw = dst.width;
  switch (orientation) {
    case 2:
    case 3:
    case 4:
      for (std::uint32_t y = 0; y < h; ++y) {
        const unsigned char* s = src.row(y);
        unsigned char* d = dst.row(orientation == 2 ? y : h - 1 - y);
        if (orientation == 4) {
          std::memcpy(d, s, src.stride());
        } else {
          for (std::uint32_t x = 0; x < w; ++x) copy_px(d + 3 * std::size_t(w - 1 - x), s + 3 * std::size_t(x));
        }
      }
      return dst;
    case 5:
    case 6:
    case 7:
    case 8: {
      // dst(dx, dy) for source (x, y); walk the source in tiles so both the
      // reads and the (strided) writes stay in cache.
      constexpr std::uint32_t kTile = 64;
      for (std::uint32_t ty = 0; ty < h; ty += kTile) {
        const std::uint32_t yend = std::min(h, ty + kTile);
        for (std::uint32_t tx = 0; tx < w; tx += kTile) {
          const std::uint32_t xend = std::min(w, tx + kTile);
          for (std::uint32_t y = ty; y < yend; ++y) {
            const unsigned char* s = src.row(y);
            for (std::uint32_t x = tx; x < xend; ++x) {
              std::uint32_t dx, dy;
              switch (orientation) {
                case 5: dx = y; dy = x; break;
                case 6: dx = h - 1 - y; dy = x; break;
                case 7: dx = h - 1 - y; dy = w - 1 - x; break;
                default: dx = y; dy = w - 1 - x; break;  // 8
              }
              copy_px(dst.pixels.data() + (std::size_t(dy) * dw + dx) * 3, s + 3 * std::size_t(x));
            }
          }
        }
      }
      return dst;
    }
    default:
      std::memcpy(dst.pixels.data(), src.pixels.data(), src.stride() * h);
      return dst;
  }
}

RgbImage apply_orientation(RgbImage&& src, int orientation) {
  if (orientation < 2 || orientation > 8) return std::move(src);
  return apply_orientation(static_cast<const RgbImage&>(src), orientation);
}

}  // namespace photoagent::image
