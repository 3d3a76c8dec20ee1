#pragma once
// The one entry point of the image pipeline used by `photoagent upload`:
// bytes of a user's file in, an upright, resized, re-encoded JPEG out.
//
//   size check -> sniff (magic bytes) -> header + limits -> decode (JPEG with
//   DCT scaling, PNG and opted-in WebP with alpha over white) -> resize (long side <= max_side,
//   never upscaled) -> EXIF orientation -> JPEG (TurboJPEG)
//
// Thread-safe: call it from any number of worker threads at once (no shared
// state; TurboJPEG handles are per call). Peak memory for a 12 MP JPEG at the
// default max_side is about 20 MB (input bytes + a 1/2-scale decode).

#include <cstdint>
#include <span>
#include <vector>

#include "photoagent/image/encode.hpp"
#include "photoagent/image/limits.hpp"
#include "photoagent/image/resize.hpp"
#include "photoagent/image/sniff.hpp"

namespace photoagent::image {

struct PrepareOptions {
  std::uint32_t max_side = 1536;  // long side of the output; smaller images are not upscaled
  JpegOptions jpeg{};             // quality 92, 4:2:0
  Filter filter = Filter::catmull_rom;
  Limits limits{};
  // libjpeg's recoverable warnings (truncated data, extraneous bytes) are
  // errors unless this is set; the damaged part then decodes as grey.
  bool accept_jpeg_warnings = false;
  // Decode WebP too (see DecodeOptions::allow_webp); off, WebP is refused
  // with advice to convert it.
  bool allow_webp = false;
};

struct Prepared {
  std::vector<unsigned char> jpeg;  // the encoded output
  std::uint32_t width = 0;          // of the output (upright)
  std::uint32_t height = 0;
  Format source_format = Format::unknown;
  std::uint32_t source_width = 0;   // as stored in the file (before orientation)
  std::uint32_t source_height = 0;
  int orientation = 1;              // EXIF orientation applied (1..8)
  bool source_had_alpha = false;    // alpha was composited over white
};

// Throws util::Error(ExitCode::error) with a message a user can act on
// (the caller prefixes the file name), e.g. "HEIC/HEIF is not supported;
// convert it to JPEG first", "image is 30000x30000 pixels (900.0 megapixels);
// the limit is ...", "corrupt or truncated JPEG (...)".
Prepared prepare(std::span<const unsigned char> file_bytes, const PrepareOptions& options = {});

}  // namespace photoagent::image
