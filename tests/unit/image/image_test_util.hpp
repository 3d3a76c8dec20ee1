#pragma once
// Helpers for the image unit tests: a tiny PNG writer (stored deflate blocks,
// so any bit depth / colour type / chunk can be produced, including hostile
// headers), JPEG encoding through TurboJPEG, and pixel comparison.

#include <turbojpeg.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "photoagent/image/pixels.hpp"

namespace photoagent::image::test {

using Bytes = std::vector<unsigned char>;

inline std::uint32_t crc32(const unsigned char* p, std::size_t n, std::uint32_t crc = 0) {
  crc = ~crc;
  for (std::size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

inline void put_be32(Bytes& b, std::uint32_t v) {
  b.push_back(static_cast<unsigned char>(v >> 24));
  b.push_back(static_cast<unsigned char>(v >> 16));
  b.push_back(static_cast<unsigned char>(v >> 8));
  b.push_back(static_cast<unsigned char>(v));
}

inline void put_chunk(Bytes& png, const char* type, const Bytes& data) {
  put_be32(png, static_cast<std::uint32_t>(data.size()));
  const std::size_t start = png.size();
  png.insert(png.end(), type, type + 4);
  png.insert(png.end(), data.begin(), data.end());
  put_be32(png, crc32(png.data() + start, png.size() - start));
}

// zlib stream with stored (uncompressed) deflate blocks.
inline Bytes zlib_stored(const Bytes& raw) {
  Bytes z{0x78, 0x01};
  std::size_t off = 0;
  do {
    const std::size_t n = std::min<std::size_t>(65535, raw.size() - off);
    const bool last = off + n == raw.size();
    z.push_back(last ? 1 : 0);
    z.push_back(static_cast<unsigned char>(n));
    z.push_back(static_cast<unsigned char>(n >> 8));
    z.push_back(static_cast<unsigned char>(~n));
    z.push_back(static_cast<unsigned char>(~n >> 8));
    z.insert(z.end(), raw.begin() + static_cast<std::ptrdiff_t>(off), raw.begin() + static_cast<std::ptrdiff_t>(off + n));
    off += n;
  } while (off < raw.size());
  std::uint32_t a = 1, b = 0;
  for (unsigned char c : raw) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  put_be32(z, b << 16 | a);
  return z;
}

struct PngSpec {
  std::uint32_t width = 1;
  std::uint32_t height = 1;
  int bit_depth = 8;
  int color_type = 2;  // 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA
  Bytes scanlines;     // packed samples, no filter bytes; height * row bytes
  Bytes plte;          // palette (color type 3)
  Bytes trns;          // tRNS chunk data, if any
};

inline Bytes png_ihdr(std::uint32_t w, std::uint32_t h, int depth, int color) {
  Bytes ihdr;
  put_be32(ihdr, w);
  put_be32(ihdr, h);
  ihdr.push_back(static_cast<unsigned char>(depth));
  ihdr.push_back(static_cast<unsigned char>(color));
  ihdr.push_back(0);
  ihdr.push_back(0);
  ihdr.push_back(0);
  return ihdr;
}

inline Bytes make_png(const PngSpec& s) {
  const int channels = s.color_type == 2 ? 3 : s.color_type == 4 ? 2 : s.color_type == 6 ? 4 : 1;
  const std::size_t row_bytes = (std::size_t(s.width) * channels * s.bit_depth + 7) / 8;
  if (s.scanlines.size() != row_bytes * s.height) throw std::logic_error("make_png: scanline size");
  Bytes raw;
  for (std::uint32_t y = 0; y < s.height; ++y) {
    raw.push_back(0);  // filter: none
    raw.insert(raw.end(), s.scanlines.begin() + static_cast<std::ptrdiff_t>(y * row_bytes),
               s.scanlines.begin() + static_cast<std::ptrdiff_t>((y + 1) * row_bytes));
  }
  Bytes png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  put_chunk(png, "IHDR", png_ihdr(s.width, s.height, s.bit_depth, s.color_type));
  if (!s.plte.empty()) put_chunk(png, "PLTE", s.plte);
  if (!s.trns.empty()) put_chunk(png, "tRNS", s.trns);
  put_chunk(png, "IDAT", zlib_stored(raw));
  put_chunk(png, "IEND", {});
  return png;
}

// A PNG that only claims a size: valid IHDR, a tiny IDAT.
inline Bytes png_header_only(std::uint32_t w, std::uint32_t h) {
  Bytes png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  put_chunk(png, "IHDR", png_ihdr(w, h, 8, 6));
  put_chunk(png, "IDAT", zlib_stored(Bytes(64, 0)));
  put_chunk(png, "IEND", {});
  return png;
}

// Encodes packed pixels of format `pf` (TJPF_RGB, TJPF_GRAY, TJPF_CMYK).
inline Bytes tj_encode(const unsigned char* px, int w, int h, int pf, int subsamp = TJSAMP_420, int quality = 95) {
  tjhandle t = tjInitCompress();
  unsigned char* out = nullptr;
  unsigned long size = 0;
  const int rc = tjCompress2(t, px, w, 0, h, pf, &out, &size, subsamp, quality, 0);
  Bytes b;
  if (rc == 0) b.assign(out, out + size);
  tjFree(out);
  tjDestroy(t);
  if (rc != 0) throw std::runtime_error("tj_encode failed");
  return b;
}

inline Bytes encode_rgb(const RgbImage& img, int quality = 95, int subsamp = TJSAMP_420) {
  return tj_encode(img.pixels.data(), int(img.width), int(img.height), TJPF_RGB, subsamp, quality);
}

// Decodes a JPEG to RGB at full size with TurboJPEG (independent of our decoder).
inline RgbImage tj_decode(std::span<const unsigned char> jpeg) {
  tjhandle t = tjInitDecompress();
  int w = 0, h = 0, ss = 0, cs = 0;
  if (tjDecompressHeader3(t, jpeg.data(), jpeg.size(), &w, &h, &ss, &cs) != 0) {
    tjDestroy(t);
    throw std::runtime_error("tj_decode header failed");
  }
  RgbImage img = RgbImage::allocate(std::uint32_t(w), std::uint32_t(h));
  const int rc = tjDecompress2(t, jpeg.data(), jpeg.size(), img.pixels.data(), w, 0, h, TJPF_RGB, 0);
  tjDestroy(t);
  if (rc != 0) throw std::runtime_error("tj_decode failed");
  return img;
}

// Smooth, photo-like test content: gradients plus a few soft blobs, deterministic.
inline RgbImage synthetic_photo(std::uint32_t w, std::uint32_t h, unsigned seed = 1, int noise = 0) {
  RgbImage img = RgbImage::allocate(w, h);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> nd(-noise, noise);
  for (std::uint32_t y = 0; y < h; ++y) {
    unsigned char* r = img.row(y);
    for (std::uint32_t x = 0; x < w; ++x) {
      const double fx = double(x) / w, fy = double(y) / h;
      const double v[3] = {40 + 180 * fx, 30 + 200 * fy, 128 + 90 * std::sin(6.0 * fx + 4.0 * fy)};
      for (int c = 0; c < 3; ++c) {
        int p = int(v[c] + 0.5) + (noise ? nd(rng) : 0);
        r[3 * x + c] = static_cast<unsigned char>(p < 0 ? 0 : p > 255 ? 255 : p);
      }
    }
  }
  return img;
}

inline double mean_abs_diff(const RgbImage& a, const RgbImage& b) {
  if (a.width != b.width || a.height != b.height) return 1e9;
  const std::size_t n = a.stride() * a.height;
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += std::abs(int(a.pixels.data()[i]) - int(b.pixels.data()[i]));
  return sum / double(n);
}

inline double psnr(const RgbImage& a, const RgbImage& b) {
  const std::size_t n = a.stride() * a.height;
  double se = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = double(a.pixels.data()[i]) - double(b.pixels.data()[i]);
    se += d * d;
  }
  if (se == 0) return 99.0;
  return 10.0 * std::log10(255.0 * 255.0 / (se / double(n)));
}

inline Bytes read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path);
  return Bytes(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

inline std::string testdata(const std::string& rel) { return std::string(PA_TESTDATA_DIR) + "/" + rel; }

inline const unsigned char* pixel(const RgbImage& img, std::uint32_t x, std::uint32_t y) {
  return img.row(y) + 3 * std::size_t(x);
}

}  // namespace photoagent::image::test

namespace photoagent::image::test {

// A zlib stream that inflates to `n` zero bytes using fixed-Huffman
// back-references (about 13 bits per 258 bytes): a deflate bomb.
inline Bytes zlib_zero_bomb(std::size_t n) {
  Bytes out{0x78, 0x01};
  std::uint32_t acc = 0;
  int bits = 0;
  auto put = [&](std::uint32_t v, int len) {  // LSB-first
    for (int i = 0; i < len; ++i) {
      acc |= ((v >> i) & 1u) << bits;
      if (++bits == 8) {
        out.push_back(static_cast<unsigned char>(acc));
        acc = 0;
        bits = 0;
      }
    }
  };
  auto huff = [&](std::uint32_t code, int len) {  // Huffman codes go MSB-first
    for (int i = len - 1; i >= 0; --i) put((code >> i) & 1u, 1);
  };
  put(1, 1);  // BFINAL
  put(1, 2);  // BTYPE = fixed Huffman
  std::size_t done = 0;
  if (n > 0) {
    huff(0x30, 8);  // literal 0
    done = 1;
  }
  while (n - done >= 258) {
    huff(0xC5, 8);  // length symbol 285 = 258
    huff(0, 5);     // distance symbol 0 = 1
    done += 258;
  }
  while (done < n) {
    huff(0x30, 8);
    ++done;
  }
  huff(0, 7);  // end of block (256)
  if (bits) out.push_back(static_cast<unsigned char>(acc));
  const std::uint32_t a = 1, b = static_cast<std::uint32_t>(n % 65521);
  put_be32(out, b << 16 | a);
  return out;
}

}  // namespace photoagent::image::test
