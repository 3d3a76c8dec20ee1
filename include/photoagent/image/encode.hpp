#pragma once
// JPEG encoding with TurboJPEG (tjCompress2). Thread-safe: a handle per call.

#include <vector>

#include "photoagent/image/pixels.hpp"

namespace photoagent::image {

enum class Subsampling { s420, s422, s444 };

struct JpegOptions {
  int quality = 92;                         // 1..100
  Subsampling subsampling = Subsampling::s420;
};

// Baseline JPEG of `img` (no EXIF, no ICC: orientation is already applied).
// Throws util::Error on an empty image or an encoder failure.
std::vector<unsigned char> encode_jpeg(const RgbImage& img, const JpegOptions& options = {});

}  // namespace photoagent::image
