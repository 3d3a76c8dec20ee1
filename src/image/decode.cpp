#include "photoagent/image/decode.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>

#include "decode_detail.hpp"
#include "photoagent/util/error.hpp"
#include "stb_png.hpp"
#include "tj_detail.hpp"

namespace photoagent::image {
namespace {

using util::Error;
using util::ExitCode;

std::string mb(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1e6);
  return buf;
}

std::string megapixels(std::uint64_t px) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f megapixels", static_cast<double>(px) / 1e6);
  return buf;
}

void check_file_size(std::size_t size, const Limits& limits) {
  if (size > limits.max_file_bytes)
    throw Error(ExitCode::error, "file is " + mb(static_cast<double>(size)) + "; the limit is " +
                                     mb(static_cast<double>(limits.max_file_bytes)),
                "downscale or re-compress it first, e.g. `convert in.png -resize 8000x8000 -quality 92 out.jpg`");
}

void check_dimensions(std::uint64_t w, std::uint64_t h, const Limits& limits) {
  if (w == 0 || h == 0) throw Error(ExitCode::error, "image header declares an empty image (" +
                                                        std::to_string(w) + "x" + std::to_string(h) + ")");
  if (w > limits.max_side || h > limits.max_side || w * h > limits.max_pixels)
    throw Error(ExitCode::error,
                "image is " + std::to_string(w) + "x" + std::to_string(h) + " pixels (" + megapixels(w * h) +
                    "); the limit is " + std::to_string(limits.max_side) + " pixels per side and " +
                    megapixels(limits.max_pixels),
                "downscale it first, e.g. `convert in.jpg -resize 8000x8000 out.jpg`");
}

// ---- PNG header: signature, IHDR, then every chunk header up to IEND ----

std::uint32_t be32(const unsigned char* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

// CRC-32 of a PNG chunk (ISO 3309, as zlib's crc32), over its type and data.
std::uint32_t png_crc(const unsigned char* p, std::size_t n) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

Error bad_png(const std::string& why) {
  return Error(ExitCode::error, "not a valid PNG: " + why, "the file may be truncated or damaged; re-export it");
}

ImageInfo probe_png(std::span<const unsigned char> b) {
  // 8 signature + 4 length + 4 type + 13 data + 4 CRC
  if (b.size() < 33) throw bad_png("file too short for a PNG header");
  if (be32(b.data() + 8) != 13 || std::memcmp(b.data() + 12, "IHDR", 4) != 0)
    throw bad_png("the first chunk is not IHDR");
  ImageInfo info;
  info.format = Format::png;
  const unsigned char* ihdr = b.data() + 16;
  std::uint32_t w = be32(ihdr), h = be32(ihdr + 4);
  int depth = ihdr[8], color = ihdr[9];
  if (w > 0x7fffffffu || h > 0x7fffffffu) throw bad_png("width or height above 2^31");
  const bool depth_ok = (color == 0 && (depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16)) ||
                        (color == 3 && (depth == 1 || depth == 2 || depth == 4 || depth == 8)) ||
                        ((color == 2 || color == 4 || color == 6) && (depth == 8 || depth == 16));
  if (!depth_ok)
    throw bad_png("invalid colour type " + std::to_string(color) + " with bit depth " + std::to_string(depth));
  if (ihdr[10] != 0 || ihdr[11] != 0 || ihdr[12] > 1) throw bad_png("unknown compression, filter or interlace method");
  if (png_crc(b.data() + 12, 17) != be32(b.data() + 29)) throw bad_png("the IHDR chunk is damaged (CRC mismatch)");
  info.width = w;
  info.height = h;
  info.bit_depth = depth;
  info.grayscale = color == 0 || color == 4;
  info.has_alpha = color == 4 || color == 6;
  // Walk every chunk header (not the data) up to IEND. This finds tRNS
  // (transparency for grey, RGB and palette images; it precedes IDAT) and
  // refuses two inputs that Debian's stb_image 2.27 mishandles: a chunk whose
  // length runs past the end of the file (stb reallocates the claimed length,
  // up to 2 GB, before noticing the data is missing) and a zero-length first
  // IDAT (stb then memcpy()s to a null pointer, undefined behaviour). Legal
  // encoders never write either.
  std::size_t off = 33;
  bool seen_idat = false;
  while (off + 8 <= b.size()) {
    const std::uint32_t len = be32(b.data() + off);
    const unsigned char* type = b.data() + off + 4;
    std::string name(reinterpret_cast<const char*>(type), 4);
    for (char& c : name)
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) c = '?';  // safe to print
    if (name == "IEND") break;
    if (len > 0x7fffffffu || std::uint64_t{len} + 12 > b.size() - off)
      throw bad_png("the file is truncated (chunk \"" + name + "\" runs past the end)");
    // Critical chunks (upper-case first letter) must match their CRC, as
    // libpng requires: bytes damaged in transit (a download has no other
    // checksum) would otherwise decode to wrong pixels or not at all.
    if (type[0] >= 'A' && type[0] <= 'Z' && png_crc(type, std::size_t{4} + len) != be32(type + 4 + len))
      throw bad_png("chunk \"" + name + "\" is damaged (CRC mismatch)");
    if (name == "IDAT") {
      if (!seen_idat && len == 0) throw bad_png("empty first IDAT chunk");
      seen_idat = true;
    } else if (name == "tRNS" && !seen_idat) {
      info.has_alpha = true;
    }
    off += std::size_t{12} + len;  // length + type + data + CRC
  }
  return info;
}

ImageInfo probe_jpeg(std::span<const unsigned char> b, tjhandle h, int* colorspace) {
  int w = 0, hh = 0, subsamp = 0, cs = 0;
  if (detail::tj().decompress_header3(h, b.data(), static_cast<unsigned long>(b.size()), &w, &hh, &subsamp, &cs) != 0)
    throw Error(ExitCode::error, "not a valid JPEG: " + detail::tj_error(h),
                "the file may be truncated or damaged; re-export it");
  // A tables-only stream (or one cut before its frame header) "succeeds" with 0x0.
  if (w <= 0 || hh <= 0)
    throw Error(ExitCode::error, "not a valid JPEG: no frame header before the end of the data",
                "the file may be truncated or damaged; re-export it");
  ImageInfo info;
  info.format = Format::jpeg;
  info.width = static_cast<std::uint32_t>(w);
  info.height = static_cast<std::uint32_t>(hh);
  info.grayscale = cs == TJCS_GRAY;
  if (colorspace != nullptr) *colorspace = cs;
  return info;
}

detail::TjHandle make_decompressor() {
  detail::TjHandle h(detail::tj().init_decompress());
  if (!h) throw Error(ExitCode::error, "cannot initialise the JPEG decoder: " + detail::tj_error(nullptr));
  return h;
}

RgbImage decode_png(std::span<const unsigned char> b, const ImageInfo& info) {
  if (b.size() > static_cast<std::size_t>(INT_MAX)) throw bad_png("file larger than 2 GB");
  const int req = info.has_alpha ? 4 : 3;
  // No legitimate allocation of stb's PNG decoder exceeds twice the filtered
  // scanline data, the 16-bit RGBA output, or twice the file; a deflate bomb
  // (far more output than the image needs) fails at this cap instead of
  // growing towards 4 GB.
  const std::uint64_t w64 = info.width, h64 = info.height;
  const std::uint64_t scanlines = h64 * (1 + (w64 * 4 * std::uint64_t(info.bit_depth) + 7) / 8) + 7 * h64;
  const std::uint64_t cap =
      std::max({2 * scanlines, w64 * h64 * 8, 2 * std::uint64_t(b.size())}) + (std::uint64_t{1} << 16);
  int w = 0, h = 0;
  const char* reason = "unknown error";
  unsigned char* raw =
      detail::stb_load_png(b.data(), static_cast<int>(b.size()), req, static_cast<std::size_t>(cap), &w, &h, &reason);
  if (raw == nullptr) {
    const std::string r = reason;
    if (r == "outofmem")
      throw bad_png("its compressed data expands beyond what a " + std::to_string(info.width) + "x" +
                    std::to_string(info.height) + " image needs (or memory ran out)");
    if (r == "outofdata") throw bad_png("the file is truncated");
    throw bad_png("corrupt data (" + r + ")");
  }
  const std::size_t px = std::size_t(w) * std::size_t(h);
  PixelBuffer buf(raw, px * req, &detail::stb_free);
  if (static_cast<std::uint32_t>(w) != info.width || static_cast<std::uint32_t>(h) != info.height)
    throw bad_png("decoded size differs from the header");
  if (req == 4) detail::rgba_over_white_in_place(buf, px);
  RgbImage img;
  img.width = info.width;
  img.height = info.height;
  img.pixels = std::move(buf);
  return img;
}

RgbImage decode_jpeg(std::span<const unsigned char> b, const ImageInfo& info, int colorspace, tjhandle h,
                     std::uint32_t target_long_side, bool accept_warnings) {
  const int shift = jpeg_scale_shift(std::max(info.width, info.height), target_long_side);
  const tjscalingfactor sf{1, 1 << shift};
  const int w = TJSCALED(static_cast<int>(info.width), sf);
  const int hh = TJSCALED(static_cast<int>(info.height), sf);
  const bool cmyk = colorspace == TJCS_CMYK || colorspace == TJCS_YCCK;
  const int pf = cmyk ? TJPF_CMYK : TJPF_RGB;
  const std::size_t bpp = cmyk ? 4 : 3;
  PixelBuffer buf = PixelBuffer::allocate(std::size_t(w) * std::size_t(hh) * bpp);
  int flags = TJFLAG_LIMITSCANS;  // progressive CPU bombs: > 500 scans is an error
  if (!accept_warnings) flags |= TJFLAG_STOPONWARNING;
  const auto& tj = detail::tj();
  if (tj.decompress2(h, b.data(), static_cast<unsigned long>(b.size()), buf.data(), w, 0, hh, pf, flags) != 0) {
    const bool warning = tj.get_error_code(h) == TJERR_WARNING;
    if (!(warning && accept_warnings)) {
      if (warning)
        throw Error(ExitCode::error, "corrupt or truncated JPEG (" + detail::tj_error(h) + ")",
                    "re-copy the file if a transfer was interrupted, or re-save it with an image editor");
      throw Error(ExitCode::error, "cannot decode JPEG: " + detail::tj_error(h),
                  "re-save it as a baseline 8-bit JPEG with an image editor");
    }
  }
  if (cmyk) {
    // Adobe-style inverted CMYK (what Photoshop writes): R = C*K/255, ...
    unsigned char* p = buf.data();
    const std::size_t px = std::size_t(w) * std::size_t(hh);
    for (std::size_t i = 0; i < px; ++i) {
      const unsigned char* s = p + 4 * i;
      const unsigned k = s[3];
      unsigned char r = static_cast<unsigned char>((s[0] * k + 127) / 255);
      unsigned char g = static_cast<unsigned char>((s[1] * k + 127) / 255);
      unsigned char bl = static_cast<unsigned char>((s[2] * k + 127) / 255);
      unsigned char* d = p + 3 * i;
      d[0] = r;
      d[1] = g;
      d[2] = bl;
    }
    buf.truncate(px * 3);
  }
  RgbImage img;
  img.width = static_cast<std::uint32_t>(w);
  img.height = static_cast<std::uint32_t>(hh);
  img.pixels = std::move(buf);
  return img;
}

ImageInfo probe_impl(std::span<const unsigned char> bytes, const Limits& limits, bool allow_webp,
                     tjhandle* jpeg_handle_out, detail::TjHandle* holder, int* colorspace) {
  check_file_size(bytes.size(), limits);
  const Format f = sniff(bytes);
  if (!(allow_webp && f == Format::webp)) require_supported(f, bytes.size());
  ImageInfo info;
  if (f == Format::png) {
    info = probe_png(bytes);
  } else if (f == Format::webp) {
    info = detail::probe_webp(bytes);
  } else {
    *holder = make_decompressor();
    info = probe_jpeg(bytes, holder->get(), colorspace);
    if (jpeg_handle_out != nullptr) *jpeg_handle_out = holder->get();
  }
  check_dimensions(info.width, info.height, limits);
  return info;
}

}  // namespace

int jpeg_scale_shift(std::uint32_t long_side, std::uint32_t target_long_side) noexcept {
  if (target_long_side == 0) return 0;
  int k = 0;
  // TJSCALED rounds up: ceil(long_side / 2^k).
  while (k < 3) {
    const std::uint64_t next = (std::uint64_t{long_side} + (std::uint64_t{1} << (k + 1)) - 1) >> (k + 1);
    if (next < target_long_side) break;
    ++k;
  }
  return k;
}

ImageInfo probe(std::span<const unsigned char> bytes, const Limits& limits) {
  DecodeOptions o;
  o.limits = limits;
  return probe(bytes, o);
}

ImageInfo probe(std::span<const unsigned char> bytes, const DecodeOptions& options) {
  detail::TjHandle holder;
  return probe_impl(bytes, options.limits, options.allow_webp, nullptr, &holder, nullptr);
}

RgbImage decode(std::span<const unsigned char> bytes, const Limits& limits, std::uint32_t target_long_side,
                bool accept_jpeg_warnings) {
  DecodeOptions o;
  o.limits = limits;
  o.target_long_side = target_long_side;
  o.accept_jpeg_warnings = accept_jpeg_warnings;
  return decode(bytes, o);
}

RgbImage decode(std::span<const unsigned char> bytes, const DecodeOptions& options) {
  detail::TjHandle holder;
  tjhandle h = nullptr;
  int colorspace = TJCS_RGB;
  const ImageInfo info = probe_impl(bytes, options.limits, options.allow_webp, &h, &holder, &colorspace);
  if (info.format == Format::png) return decode_png(bytes, info);
  if (info.format == Format::webp) return detail::decode_webp(bytes, info);
  return decode_jpeg(bytes, info, colorspace, h, options.target_long_side, options.accept_jpeg_warnings);
}

}  // namespace photoagent::image
