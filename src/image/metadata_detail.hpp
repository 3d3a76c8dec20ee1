#pragma once
// Internal: the per-format halves of metadata.hpp (metadata_png.cpp,
// metadata_jpeg.cpp, metadata_webp.cpp). Key and text are validated by the
// caller (metadata.cpp). The readers may throw util::Error on a malformed
// file; read_text_metadata turns that into std::nullopt.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "photoagent/util/error.hpp"

namespace photoagent::image::detail {

// "cannot embed metadata: not a valid <format>: <why>"
util::Error malformed(std::string_view format, const std::string& why);

inline std::uint32_t load_be32(std::string_view b, std::size_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(b.data() + at);
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}
inline std::uint32_t load_le32(std::string_view b, std::size_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(b.data() + at);
  return std::uint32_t{p[3]} << 24 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[1]} << 8 | p[0];
}
inline void store_be32(std::string& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out += static_cast<char>((v >> s) & 0xff);
}
inline void store_le32(std::string& out, std::uint32_t v) {
  for (int s = 0; s <= 24; s += 8) out += static_cast<char>((v >> s) & 0xff);
}

// CRC-32 as PNG defines it (ISO 3309, reflected 0xEDB88320).
std::uint32_t png_crc32(std::string_view data, std::uint32_t crc = 0) noexcept;

std::string png_embed(std::string_view file, const std::string& key, const std::string& text);
std::optional<std::string> png_read(std::string_view file, const std::string& key);
std::string jpeg_embed(std::string_view file, const std::string& key, const std::string& text);
std::optional<std::string> jpeg_read(std::string_view file, const std::string& key);
std::string webp_embed(std::string_view file, const std::string& key, const std::string& text);
std::optional<std::string> webp_read(std::string_view file, const std::string& key);

}  // namespace photoagent::image::detail
