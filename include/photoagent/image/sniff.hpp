#pragma once
// Recognise an image format by its magic bytes (never by file name).

#include <cstddef>
#include <span>
#include <string_view>

namespace photoagent::image {

enum class Format {
  unknown,  // not an image we recognise
  jpeg,     // supported
  png,      // supported
  webp,
  heif,     // HEIC / HEIF (ftyp heic, heix, mif1, ...)
  avif,
  tiff,     // TIFF and TIFF-based camera RAW (DNG, NEF, CR2, ARW, ...)
  gif,
  bmp,
  jxl,      // JPEG XL
};

// Looks only at the first bytes. Never throws.
Format sniff(std::span<const unsigned char> bytes) noexcept;

// "JPEG", "PNG", "WebP", "HEIC/HEIF", ...; "unknown" for Format::unknown.
std::string_view format_name(Format f) noexcept;

// True for the formats every decode accepts: JPEG and PNG. WebP is decoded
// only where a caller opts in (DecodeOptions::allow_webp), so it is not here.
bool is_supported(Format f) noexcept;

// Throws util::Error(ExitCode::error) unless `f` is supported: the message says
// what the file is and the hint how to convert it, e.g.
//   "HEIC/HEIF is not supported; convert it to JPEG first"
//   hint "e.g. `heif-convert in.heic out.jpg`".
// `size` is the file size (0 = empty file gets its own message).
void require_supported(Format f, std::size_t size);

}  // namespace photoagent::image
