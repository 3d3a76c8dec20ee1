// embed_text_metadata / read_text_metadata: validation of key and text, and
// dispatch by magic bytes to the per-format code (metadata_*.cpp).
#include "photoagent/image/metadata.hpp"

#include <span>

#include "metadata_detail.hpp"
#include "photoagent/image/sniff.hpp"

namespace photoagent::image {
namespace {

using util::Error;
using util::ExitCode;

bool valid_key(std::string_view k) {
  if (k.empty() || k.size() > 79) return false;
  auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  if (!letter(k[0])) return false;
  for (char c : k)
    if (!(letter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) return false;
  return true;
}

// UTF-8 (no overlong forms, surrogates or code points above U+10FFFF) and
// no C0 control other than tab, LF, CR: what PNG iTXt requires and what XML
// 1.0 (WebP's XMP) can hold, so one rule fits all three formats.
bool valid_text(std::string_view t) {
  const auto* p = reinterpret_cast<const unsigned char*>(t.data());
  const std::size_t n = t.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned c = p[i];
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0, min = 0;
    if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F, min = 0x80;
    else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F, min = 0x800;
    else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07, min = 0x10000;
    else return false;
    if (n - i < len) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = cp << 6 | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

Format format_of(std::string_view b) {
  return sniff(std::span(reinterpret_cast<const unsigned char*>(b.data()), b.size()));
}

}  // namespace

namespace detail {
Error malformed(std::string_view format, const std::string& why) {
  return Error(ExitCode::error, "cannot embed metadata: not a valid " + std::string(format) + ": " + why,
               "the file may be truncated or damaged; download it again");
}
}  // namespace detail

std::string embed_text_metadata(std::string_view file_bytes, const std::string& key, const std::string& text) {
  if (!valid_key(key))
    throw Error(ExitCode::error, "invalid metadata key \"" + key +
                                     "\": use 1-79 letters, digits, '_', '.' or '-', starting with a letter");
  if (!valid_text(text))
    throw Error(ExitCode::error, "metadata text for \"" + key +
                                     "\" is not valid UTF-8 or contains control characters other than tab and newline");
  switch (format_of(file_bytes)) {
    case Format::png: return detail::png_embed(file_bytes, key, text);
    case Format::jpeg: return detail::jpeg_embed(file_bytes, key, text);
    case Format::webp: return detail::webp_embed(file_bytes, key, text);
    default: break;
  }
  throw Error(ExitCode::error, "cannot embed metadata: " +
                                   std::string(file_bytes.empty() ? "the file is empty"
                                                                  : "the file is not a PNG, JPEG or WebP image"));
}

std::optional<std::string> read_text_metadata(std::string_view file_bytes, const std::string& key) {
  if (!valid_key(key)) return std::nullopt;
  try {
    switch (format_of(file_bytes)) {
      case Format::png: return detail::png_read(file_bytes, key);
      case Format::jpeg: return detail::jpeg_read(file_bytes, key);
      case Format::webp: return detail::webp_read(file_bytes, key);
      default: break;
    }
  } catch (const Error&) {
    // Malformed structure: nothing trustworthy to return.
  }
  return std::nullopt;
}

}  // namespace photoagent::image
