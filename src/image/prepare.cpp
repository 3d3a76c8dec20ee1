#include "photoagent/image/prepare.hpp"

#include <algorithm>

#include "photoagent/image/decode.hpp"
#include "photoagent/image/exif.hpp"
#include "photoagent/image/orient.hpp"

namespace photoagent::image {

Prepared prepare(std::span<const unsigned char> file_bytes, const PrepareOptions& options) {
  DecodeOptions dec;
  dec.limits = options.limits;
  dec.accept_jpeg_warnings = options.accept_jpeg_warnings;
  dec.allow_webp = options.allow_webp;
  const ImageInfo info = probe(file_bytes, dec);
  Prepared out;
  out.source_format = info.format;
  out.source_width = info.width;
  out.source_height = info.height;
  out.source_had_alpha = info.has_alpha;
  out.orientation = info.format == Format::jpeg ? jpeg_exif_orientation(file_bytes) : 1;

  // The output size comes from the stored size, so it does not depend on the
  // DCT scale's rounding. The long side is the same before and after
  // orientation, so orientation is applied last, on the small image.
  const Size target = fit_long_side(info.width, info.height, options.max_side);
  dec.target_long_side = std::max(target.width, target.height);
  RgbImage img = decode(file_bytes, dec);
  if (img.width != target.width || img.height != target.height)
    img = resize(img, target.width, target.height, options.filter);
  img = apply_orientation(std::move(img), out.orientation);
  out.width = img.width;
  out.height = img.height;
  out.jpeg = encode_jpeg(img, options.jpeg);
  return out;
}

}  // namespace photoagent::image
