#pragma once
// Header check and decoding of JPEG (TurboJPEG), PNG (stb_image, PNG only)
// and, for callers that opt in, WebP (libwebp). Every function here is
// thread-safe: no shared state; a TurboJPEG handle is created per call.

#include <cstdint>
#include <span>

#include "photoagent/image/limits.hpp"
#include "photoagent/image/pixels.hpp"
#include "photoagent/image/sniff.hpp"

namespace photoagent::image {

struct ImageInfo {
  Format format = Format::unknown;
  std::uint32_t width = 0;   // as stored (before EXIF orientation)
  std::uint32_t height = 0;
  bool has_alpha = false;    // PNG alpha channel or tRNS chunk; WebP alpha
  bool grayscale = false;
  int bit_depth = 8;         // PNG: 1, 2, 4, 8 or 16; JPEG and WebP: 8
};

// Everything decode() can be told; the positional overloads below are
// shorthands that keep WebP refused.
struct DecodeOptions {
  Limits limits{};
  std::uint32_t target_long_side = 0;  // JPEG DCT scaling, see decode()
  bool accept_jpeg_warnings = false;
  // WebP (still images; lossy, lossless, with or without alpha) is decoded
  // only when a caller opts in: `upload` refused it before libwebp was linked
  // and decides separately whether to accept it. Off, WebP gets the usual
  // "WebP is not supported; convert it ..." error.
  bool allow_webp = false;
};

// Sniffs and reads only the header (JPEG: tjDecompressHeader3; PNG: IHDR and
// the chunks before IDAT), then enforces `limits` (file size, each side, area).
// Throws util::Error(ExitCode::error) with an actionable message for an
// unsupported format, a malformed header or a size over the limits.
// WebP: WebPGetFeatures (RIFF/VP8X/VP8/VP8L headers only); animated WebP is
// refused.
ImageInfo probe(std::span<const unsigned char> bytes, const Limits& limits);
ImageInfo probe(std::span<const unsigned char> bytes, const DecodeOptions& options);

// Decodes to 8-bit RGB. Calls probe() first, so limits hold before any pixel
// buffer is allocated. Grey, grey+alpha, palette, RGBA and 16-bit all become
// 8-bit RGB; alpha (including tRNS) is composited over white.
// JPEG is decoded with DCT scaling at the smallest 1/2^k (k <= 3) whose long
// side still covers `target_long_side` (0 = full size), so the result may be
// smaller than the stored size but never below the target. PNG and WebP are
// always decoded at full size (WebP alpha is composited over white too).
// Corrupt or truncated data throws util::Error unless `accept_jpeg_warnings`
// (then libjpeg's recoverable warnings are ignored).
RgbImage decode(std::span<const unsigned char> bytes, const Limits& limits,
                std::uint32_t target_long_side = 0, bool accept_jpeg_warnings = false);
RgbImage decode(std::span<const unsigned char> bytes, const DecodeOptions& options);

// The DCT scale 1/2^k chosen by decode() for a stored long side: returns k.
int jpeg_scale_shift(std::uint32_t long_side, std::uint32_t target_long_side) noexcept;

}  // namespace photoagent::image
