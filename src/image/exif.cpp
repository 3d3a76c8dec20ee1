#include "photoagent/image/exif.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace photoagent::image {
namespace {

constexpr std::uint16_t kOrientationTag = 0x0112;
constexpr std::uint16_t kTypeShort = 3;
constexpr std::uint16_t kTypeLong = 4;  // not per spec; some writers use it

struct TiffReader {
  const unsigned char* p;
  std::size_t n;
  bool little;
  // Callers guarantee off + 2 <= n (resp. off + 4 <= n).
  std::uint32_t u16(std::size_t off) const {
    return little ? (std::uint32_t{p[off]} | std::uint32_t{p[off + 1]} << 8)
                  : (std::uint32_t{p[off]} << 8 | std::uint32_t{p[off + 1]});
  }
  std::uint32_t u32(std::size_t off) const {
    return little ? (std::uint32_t{p[off]} | std::uint32_t{p[off + 1]} << 8 | std::uint32_t{p[off + 2]} << 16 |
                     std::uint32_t{p[off + 3]} << 24)
                  : (std::uint32_t{p[off]} << 24 | std::uint32_t{p[off + 1]} << 16 |
                     std::uint32_t{p[off + 2]} << 8 | std::uint32_t{p[off + 3]});
  }
};

}  // namespace

int tiff_exif_orientation(std::span<const unsigned char> tiff) noexcept {
  const std::size_t n = tiff.size();
  if (n < 8) return 1;
  const unsigned char* p = tiff.data();
  bool little;
  if (p[0] == 'I' && p[1] == 'I') little = true;
  else if (p[0] == 'M' && p[1] == 'M') little = false;
  else return 1;
  const TiffReader r{p, n, little};
  if (r.u16(2) != 42) return 1;
  const std::uint32_t ifd = r.u32(4);  // relative to the TIFF header
  if (ifd < 8 || ifd > n - 2) return 1;
  std::size_t count = r.u16(ifd);
  const std::size_t room = (n - ifd - 2) / 12;  // entries that fit in the blob
  if (count > room) count = room;
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t e = ifd + 2 + 12 * k;  // e + 12 <= n by the clamp above
    if (r.u16(e) != kOrientationTag) continue;
    const std::uint32_t type = r.u16(e + 2);
    if (r.u32(e + 4) < 1) return 1;  // component count
    std::uint32_t v;
    if (type == kTypeShort) v = r.u16(e + 8);  // inline value, file byte order
    else if (type == kTypeLong) v = r.u32(e + 8);
    else return 1;
    return (v >= 1 && v <= 8) ? static_cast<int>(v) : 1;
  }
  return 1;
}

int jpeg_exif_orientation(std::span<const unsigned char> jpeg) noexcept {
  const std::size_t n = jpeg.size();
  const unsigned char* p = jpeg.data();
  if (n < 4 || p[0] != 0xFF || p[1] != 0xD8) return 1;
  std::size_t i = 2;
  // Each iteration advances i by at least 1, so the walk ends within n steps.
  while (i + 4 <= n) {
    if (p[i] != 0xFF) return 1;  // lost sync: not a marker
    const unsigned char m = p[i + 1];
    if (m == 0xFF) {  // fill byte
      ++i;
      continue;
    }
    i += 2;
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD8)) continue;  // TEM, RSTn, SOI: no length
    if (m == 0xDA || m == 0xD9) return 1;                 // SOS / EOI: no EXIF before image data
    const std::size_t len = std::size_t{p[i]} << 8 | p[i + 1];  // includes its own 2 bytes
    if (len < 2 || len > n - i) return 1;
    if (m == 0xE1 && len >= 2 + 6 + 8 && std::memcmp(p + i + 2, "Exif\0\0", 6) == 0)
      return tiff_exif_orientation(jpeg.subspan(i + 8, len - 8));
    i += len;
  }
  return 1;
}

}  // namespace photoagent::image
