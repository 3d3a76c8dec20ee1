// Output pictures: a gradient with a checker and a disc whose colours and
// placement are a pure function of the seed (prompt hash mixed with the
// input seed), so a test can tell outputs apart and re-derive them. PNG is
// written by hand (chunks, CRC, zlib stream); JPEG goes through TurboJPEG,
// WebP through libwebp (lossy, like Replicate's Flux outputs).
#include <turbojpeg.h>
#include <webp/encode.h>
#include <zlib.h>

#include <array>
#include <memory>
#include <stdexcept>
#include <vector>

#include "replicate.hpp"

namespace fakecloud {
namespace {

std::vector<uint8_t> pattern(int w, int h, uint64_t seed) {
  auto next = [&seed] {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint8_t>(seed >> 56);
  };
  uint8_t a[3] = {next(), next(), next()}, b[3] = {next(), next(), next()};
  uint8_t disc[3] = {next(), next(), next()};
  int cx = w / 4 + next() % std::max(1, w / 2), cy = h / 4 + next() % std::max(1, h / 2);
  int r = std::max(2, std::min(w, h) / 5);
  int cell = std::max(2, std::min(w, h) / 8);
  std::vector<uint8_t> px(static_cast<size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &px[(static_cast<size_t>(y) * w + x) * 3];
      bool in_disc = (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;
      bool dark = ((x / cell) + (y / cell)) % 2 == 0;
      for (int c = 0; c < 3; ++c) {
        int t = (c == 1 ? y * 255 / std::max(1, h - 1) : x * 255 / std::max(1, w - 1));
        int v = (a[c] * (255 - t) + b[c] * t) / 255;
        if (dark) v = v * 7 / 8;
        p[c] = static_cast<uint8_t>(in_disc ? disc[c] : v);
      }
    }
  return px;
}

uint32_t crc32_of(const std::string& s, size_t from) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  uint32_t c = 0xffffffffu;
  for (size_t i = from; i < s.size(); ++i) c = table[(c ^ static_cast<uint8_t>(s[i])) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

void put32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

void chunk(std::string& out, const char* type, const std::string& data) {
  put32(out, static_cast<uint32_t>(data.size()));
  size_t start = out.size();
  out += type;
  out += data;
  put32(out, crc32_of(out, start));
}

std::string png(int w, int h, const std::vector<uint8_t>& rgb) {
  std::string raw;
  raw.reserve(static_cast<size_t>(h) * (w * 3 + 1));
  for (int y = 0; y < h; ++y) {
    raw += '\0';  // filter type None
    raw.append(reinterpret_cast<const char*>(&rgb[static_cast<size_t>(y) * w * 3]),
               static_cast<size_t>(w) * 3);
  }
  uLongf zlen = compressBound(raw.size());
  std::string z(zlen, '\0');
  if (compress2(reinterpret_cast<Bytef*>(z.data()), &zlen, reinterpret_cast<const Bytef*>(raw.data()),
                raw.size(), 6) != Z_OK)
    throw std::runtime_error("zlib compress failed");
  z.resize(zlen);
  std::string ihdr;
  put32(ihdr, static_cast<uint32_t>(w));
  put32(ihdr, static_cast<uint32_t>(h));
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, deflate, no filter, no interlace
  std::string out = "\x89PNG\r\n\x1a\n";
  chunk(out, "IHDR", ihdr);
  chunk(out, "IDAT", z);
  chunk(out, "IEND", "");
  return out;
}

std::string jpeg(int w, int h, std::vector<uint8_t>& rgb) {
  tjhandle tj = tjInitCompress();
  if (!tj) throw std::runtime_error("tjInitCompress failed");
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  int rc = tjCompress2(tj, rgb.data(), w, 0, h, TJPF_RGB, &buf, &size, TJSAMP_420, 90, 0);
  std::string out;
  if (rc == 0) out.assign(reinterpret_cast<char*>(buf), size);
  tjFree(buf);
  tjDestroy(tj);
  if (rc != 0) throw std::runtime_error("tjCompress2 failed");
  return out;
}

std::string webp(int w, int h, const std::vector<uint8_t>& rgb) {
  uint8_t* out = nullptr;
  const size_t size = WebPEncodeRGB(rgb.data(), w, h, w * 3, 80.0f, &out);
  // libwebp allocated the buffer; only WebPFree may release it.
  std::unique_ptr<uint8_t, decltype(&WebPFree)> owned(out, &WebPFree);
  if (size == 0) throw std::runtime_error("WebPEncodeRGB failed");
  return std::string(reinterpret_cast<const char*>(out), size);
}

}  // namespace

std::string render_image(const std::string& ext, int w, int h, uint64_t seed,
                         std::string& content_type) {
  auto px = pattern(w, h, seed);
  if (ext == "jpg" || ext == "jpeg") {
    content_type = "image/jpeg";
    return jpeg(w, h, px);
  }
  if (ext == "webp") {
    content_type = "image/webp";
    return webp(w, h, px);
  }
  content_type = "image/png";
  return png(w, h, px);
}

}  // namespace fakecloud
