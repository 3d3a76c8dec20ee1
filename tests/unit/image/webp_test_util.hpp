#pragma once
// WebP helpers for the image unit tests: encoding with libwebp (independent
// of our decoder), a header-only VP8X file, and the shared error_of helper.

#include <webp/encode.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "image_test_util.hpp"
#include "photoagent/util/error.hpp"

namespace photoagent::image::test {

enum class WebpKind { lossy_rgb, lossless_rgb, lossless_rgba };

// `px` holds 3 (RGB kinds) or 4 (RGBA) bytes per pixel.
inline Bytes webp_encode(const unsigned char* px, int w, int h, WebpKind kind, float quality = 90.0f) {
  std::uint8_t* out = nullptr;
  std::size_t n = 0;
  if (kind == WebpKind::lossy_rgb) n = WebPEncodeRGB(px, w, h, w * 3, quality, &out);
  else if (kind == WebpKind::lossless_rgb) n = WebPEncodeLosslessRGB(px, w, h, w * 3, &out);
  else n = WebPEncodeLosslessRGBA(px, w, h, w * 4, &out);
  std::unique_ptr<std::uint8_t, decltype(&WebPFree)> owned(out, &WebPFree);  // libwebp's buffer
  if (n == 0) throw std::runtime_error("libwebp encode failed");
  return Bytes(out, out + n);
}

inline Bytes webp_encode(const RgbImage& img, WebpKind kind, float quality = 90.0f) {
  return webp_encode(img.pixels.data(), int(img.width), int(img.height), kind, quality);
}

// RIFF + a VP8X chunk only: a header that claims a canvas and nothing else.
inline Bytes webp_vp8x_only(std::uint32_t w, std::uint32_t h, unsigned char flags = 0) {
  Bytes b{'R', 'I', 'F', 'F', 22, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'X', 10, 0, 0, 0, flags, 0, 0, 0};
  for (std::uint32_t v : {w - 1, h - 1})
    for (int i = 0; i < 3; ++i) b.push_back(static_cast<unsigned char>(v >> (8 * i)));
  return b;
}

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const util::Error& e) {
    return e.message();
  }
  return "(no error)";
}

inline bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

}  // namespace photoagent::image::test
