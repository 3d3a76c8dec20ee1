#pragma once
// Header check and decoding of JPEG (TurboJPEG) and PNG (stb_image, PNG only).
// Every function here is thread-safe: no shared state; a TurboJPEG handle is
// created per call.

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
  bool has_alpha = false;    // PNG alpha channel or tRNS chunk
  bool grayscale = false;
  int bit_depth = 8;         // PNG: 1, 2, 4, 8 or 16; JPEG: 8
};

// Sniffs and reads only the header (JPEG: tjDecompressHeader3; PNG: IHDR and
// the chunks before IDAT), then enforces `limits` (file size, each side, area).
// Throws util::Error(ExitCode::error) with an actionable message for an
// unsupported format, a malformed header or a size over the limits.
ImageInfo probe(std::span<const unsigned char> bytes, const Limits& limits);

// Decodes to 8-bit RGB. Calls probe() first, so limits hold before any pixel
// buffer is allocated. Grey, grey+alpha, palette, RGBA and 16-bit all become
// 8-bit RGB; alpha (including tRNS) is composited over white.
// JPEG is decoded with DCT scaling at the smallest 1/2^k (k <= 3) whose long
// side still covers `target_long_side` (0 = full size), so the result may be
// smaller than the stored size but never below the target. PNG is always
// decoded at full size. Corrupt or truncated data throws util::Error unless
// `accept_jpeg_warnings` (then libjpeg's recoverable warnings are ignored).
RgbImage decode(std::span<const unsigned char> bytes, const Limits& limits,
                std::uint32_t target_long_side = 0, bool accept_jpeg_warnings = false);

// The DCT scale 1/2^k chosen by decode() for a stored long side: returns k.
int jpeg_scale_shift(std::uint32_t long_side, std::uint32_t target_long_side) noexcept;

}  // namespace photoagent::image
