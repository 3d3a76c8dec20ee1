#pragma once
// Internal to resize.cpp, exposed for unit tests: the weight tables and the
// scalar reference path that the SSE2 path must match bit for bit.

#include <cstdint>
#include <vector>

#include "photoagent/image/resize.hpp"

namespace photoagent::image::detail {

constexpr int kWeightBits = 14;  // weights sum to 1 << 14
constexpr int kExtraBits = 6;    // fractional bits kept between the passes

// For each output index o: `count` weights applied to inputs start[o] ...
// start[o] + count - 1 (always inside [0, in)). `count` is the same for every
// output (padded with zero weights); `weights` holds count_padded (even)
// entries per output, the padding being 0.
struct Taps {
  std::vector<std::int32_t> start;
  std::vector<std::int16_t> weights;
  int count = 0;
  int count_padded = 0;
};

Taps make_taps(std::uint32_t in, std::uint32_t out, Filter filter);

// simd = false forces the portable scalar loops.
RgbImage resize_impl(const RgbImage& src, std::uint32_t width, std::uint32_t height, Filter filter, bool simd);

}  // namespace photoagent::image::detail
