#pragma once
// JPEG encoding with TurboJPEG (tjCompress2), PNG with stb_image_write.
// Thread-safe: a TurboJPEG handle per call; stb's writer has no shared state
// that we change.

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

// 8-bit RGB PNG of `img` (deflate level 8, stb's adaptive filters). For
// pictures we made (contact sheets), not for re-encoding user files. Throws
// util::Error on an empty image or one too large for stb's int sizes
// (about 350 megapixels).
std::vector<unsigned char> encode_png(const RgbImage& img);

}  // namespace photoagent::image
