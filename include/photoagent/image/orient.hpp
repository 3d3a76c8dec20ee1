#pragma once
// Apply an EXIF orientation (1..8) so the picture is upright.

#include "photoagent/image/pixels.hpp"

namespace photoagent::image {

// Returns the upright image. 1 (or any value outside 2..8) returns a copy;
// 5..8 swap width and height. Mapping (source x, y in a w x h image):
//   2 mirror horizontally     (w-1-x, y)       5 transpose     (y, x)
//   3 rotate 180              (w-1-x, h-1-y)   6 rotate 90 CW  (h-1-y, x)
//   4 mirror vertically       (x, h-1-y)       7 transverse    (h-1-y, w-1-x)
//                                              8 rotate 90 CCW (y, w-1-x)
RgbImage apply_orientation(const RgbImage& src, int orientation);

// Like apply_orientation, but reuses `src` when orientation is 1.
RgbImage apply_orientation(RgbImage&& src, int orientation);

}  // namespace photoagent::image
