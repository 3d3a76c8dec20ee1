#pragma once
// Separable high-quality resampling of 8-bit RGB (our own; 14-bit fixed-point
// weights, vertical pass first, SSE2 on x86-64 with a scalar fallback).
// Filtering happens on the stored (gamma-encoded sRGB) values, like
// ImageMagick's default and stb_image_resize's "linear" mode.

#include <cstdint>

#include "photoagent/image/pixels.hpp"

namespace photoagent::image {

enum class Filter {
  mitchell,     // cubic B = C = 1/3: soft, no visible ringing
  catmull_rom,  // cubic B = 0, C = 1/2: sharper, slight overshoot (default)
  lanczos3,     // windowed sinc, 3 lobes: sharpest, 1.5x the taps
};

struct Size {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  friend bool operator==(const Size&, const Size&) = default;
};

// The size that fits `width` x `height` into a `max_side` square, keeping the
// aspect ratio (short side rounded, at least 1). Never upscales: an image
// already within max_side (or max_side == 0) keeps its size.
Size fit_long_side(std::uint32_t width, std::uint32_t height, std::uint32_t max_side) noexcept;

// Resamples `src` to exactly `width` x `height`. Up- and downscaling both
// work; identical sizes return a copy. Throws util::Error for an empty source
// or a zero target size, or when memory runs out.
RgbImage resize(const RgbImage& src, std::uint32_t width, std::uint32_t height,
                Filter filter = Filter::catmull_rom);

}  // namespace photoagent::image
