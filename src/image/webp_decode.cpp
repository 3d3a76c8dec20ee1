// WebP decoding with libwebp (Debian libwebp-dev; DESIGN §9 "WebP"): Flux
// models answer in WebP by default, and the contact sheet needs their pixels.
// The pixels go straight into our own buffer (libwebp's "external memory"
// output), so no libwebp allocation outlives a call.

#include <string>

#include "decode_detail.hpp"
#include "photoagent/util/error.hpp"
#include "webp_api.hpp"

namespace photoagent::image::detail {
namespace {

using util::Error;
using util::ExitCode;

Error bad_webp(const std::string& why) {
  return Error(ExitCode::error, "not a valid WebP: " + why, "the file may be truncated or damaged; re-export it");
}

std::string status_text(VP8StatusCode s) {
  switch (s) {
    case VP8_STATUS_OK: return "ok";
    case VP8_STATUS_OUT_OF_MEMORY: return "out of memory";
    case VP8_STATUS_INVALID_PARAM: return "invalid parameter";
    case VP8_STATUS_BITSTREAM_ERROR: return "corrupt data";
    case VP8_STATUS_UNSUPPORTED_FEATURE: return "unsupported feature";
    case VP8_STATUS_SUSPENDED: return "suspended";
    case VP8_STATUS_USER_ABORT: return "aborted";
    case VP8_STATUS_NOT_ENOUGH_DATA: return "the file is truncated";
  }
  return "unknown error " + std::to_string(static_cast<int>(s));
}

// Releases whatever libwebp attached to the output (nothing for external
// memory, but the API asks for the call and a future libwebp may need it).
struct DecBufferGuard {
  WebPDecBuffer* buf;
  ~DecBufferGuard() { webp().free_dec_buffer(buf); }
};

}  // namespace

ImageInfo probe_webp(std::span<const unsigned char> b) {
  WebPBitstreamFeatures f;
  const VP8StatusCode s = webp().get_features(b.data(), b.size(), &f);
  if (s != VP8_STATUS_OK) throw bad_webp(status_text(s));
  if (f.has_animation)
    throw Error(ExitCode::error, "animated WebP is not supported",
                "extract one frame first, e.g. `webpmux -get frame 1 in.webp -o out.webp`");
  if (f.width <= 0 || f.height <= 0) throw bad_webp("the header declares an empty image");
  ImageInfo info;
  info.format = Format::webp;
  info.width = static_cast<std::uint32_t>(f.width);
  info.height = static_cast<std::uint32_t>(f.height);
  info.has_alpha = f.has_alpha != 0;
  return info;
}

RgbImage decode_webp(std::span<const unsigned char> b, const ImageInfo& info) {
  WebPDecoderConfig config;
  if (!webp().init_decoder_config(&config)) throw bad_webp("libwebp version mismatch");
  DecBufferGuard guard{&config.output};
  // Alpha is decoded (non-premultiplied RGBA) only when present, then
  // composited over white like PNG; otherwise libwebp writes RGB directly.
  const std::size_t bpp = info.has_alpha ? 4 : 3;
  const std::size_t px = std::size_t{info.width} * info.height;
  PixelBuffer buf = PixelBuffer::allocate(px * bpp);
  config.output.colorspace = info.has_alpha ? MODE_RGBA : MODE_RGB;
  config.output.is_external_memory = 1;
  config.output.u.RGBA.rgba = buf.data();
  config.output.u.RGBA.stride = static_cast<int>(std::size_t{info.width} * bpp);
  config.output.u.RGBA.size = buf.size();
  // libwebp re-reads the headers here and refuses (INVALID_PARAM) a frame
  // that would not fit the buffer sized from probe_webp's answer.
  const VP8StatusCode s = webp().decode(b.data(), b.size(), &config);
  if (s != VP8_STATUS_OK) throw bad_webp(status_text(s));
  if (config.output.width != static_cast<int>(info.width) || config.output.height != static_cast<int>(info.height))
    throw bad_webp("decoded size differs from the header");
  if (info.has_alpha) rgba_over_white_in_place(buf, px);
  RgbImage img;
  img.width = info.width;
  img.height = info.height;
  img.pixels = std::move(buf);
  return img;
}

}  // namespace photoagent::image::detail
