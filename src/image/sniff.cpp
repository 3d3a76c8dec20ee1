#include "photoagent/image/sniff.hpp"

#include <cstdint>
#include <cstring>
#include <string>

#include "photoagent/util/error.hpp"

namespace photoagent::image {
namespace {

bool starts_with(std::span<const unsigned char> b, std::string_view magic, std::size_t at = 0) {
  if (b.size() < at + magic.size()) return false;
  return std::memcmp(b.data() + at, magic.data(), magic.size()) == 0;
}

std::uint32_t be32(const unsigned char* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

// ISO base media file ("....ftyp<major><minor><compatible...>"): HEIF or AVIF.
Format sniff_ftyp(std::span<const unsigned char> b) {
  if (b.size() < 16 || !starts_with(b, "ftyp", 4)) return Format::unknown;
  std::uint64_t box = be32(b.data());
  if (box < 16) return Format::unknown;
  std::size_t end = box > b.size() ? b.size() : static_cast<std::size_t>(box);
  auto brand_at = [&](std::size_t off) { return std::string_view(reinterpret_cast<const char*>(b.data() + off), 4); };
  auto is_avif = [](std::string_view s) { return s == "avif" || s == "avis"; };
  auto is_heif = [](std::string_view s) {
    return s == "heic" || s == "heix" || s == "hevc" || s == "hevx" || s == "heim" || s == "heis" ||
           s == "hevm" || s == "hevs" || s == "mif1" || s == "msf1" || s == "mif2";
  };
  // Major brand first, then the compatible brands (skipping minor_version at 12).
  std::string_view major = brand_at(8);
  if (is_avif(major)) return Format::avif;
  bool heif = is_heif(major);
  for (std::size_t off = 16; off + 4 <= end; off += 4) {
    std::string_view s = brand_at(off);
    if (is_avif(s)) return Format::avif;  // AVIF files usually also list mif1
    heif = heif || is_heif(s);
  }
  return heif ? Format::heif : Format::unknown;
}

}  // namespace

Format sniff(std::span<const unsigned char> b) noexcept {
  if (b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return Format::jpeg;
  if (starts_with(b, "\x89PNG\r\n\x1a\n")) return Format::png;
  if (starts_with(b, "RIFF") && starts_with(b, "WEBP", 8)) return Format::webp;
  if (starts_with(b, "GIF87a") || starts_with(b, "GIF89a")) return Format::gif;
  if (starts_with(b, std::string_view("II*\0", 4)) || starts_with(b, std::string_view("MM\0*", 4)) ||
      starts_with(b, std::string_view("II+\0", 4)) || starts_with(b, std::string_view("MM\0+", 4)))
    return Format::tiff;
  if (starts_with(b, std::string_view("\xFF\x0A", 2)) ||
      starts_with(b, std::string_view("\0\0\0\x0CJXL \r\n\x87\n", 12)))
    return Format::jxl;
  // "BM" alone is weak; also require a known DIB header size at offset 14.
  if (starts_with(b, "BM") && b.size() >= 18) {
    std::uint32_t dib = std::uint32_t{b[14]} | std::uint32_t{b[15]} << 8 | std::uint32_t{b[16]} << 16 |
                        std::uint32_t{b[17]} << 24;
    if (dib == 12 || dib == 16 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 || dib == 124)
      return Format::bmp;
  }
  return sniff_ftyp(b);
}

std::string_view format_name(Format f) noexcept {
  switch (f) {
    case Format::jpeg: return "JPEG";
    case Format::png: return "PNG";
    case Format::webp: return "WebP";
    case Format::heif: return "HEIC/HEIF";
    case Format::avif: return "AVIF";
    case Format::tiff: return "TIFF";
    case Format::gif: return "GIF";
    case Format::bmp: return "BMP";
    case Format::jxl: return "JPEG XL";
    case Format::unknown: break;
  }
  return "unknown";
}

bool is_supported(Format f) noexcept { return f == Format::jpeg || f == Format::png; }

void require_supported(Format f, std::size_t size) {
  using util::Error;
  using util::ExitCode;
  if (is_supported(f)) return;
  auto unsupported = [](std::string_view what, std::string_view to, std::string hint) {
    return Error(ExitCode::error,
                 std::string(what) + " is not supported; convert it to " + std::string(to) + " first",
                 std::move(hint));
  };
  switch (f) {
    case Format::heif: throw unsupported("HEIC/HEIF", "JPEG", "e.g. `heif-convert in.heic out.jpg`");
    case Format::avif: throw unsupported("AVIF", "PNG or JPEG", "e.g. `avifdec in.avif out.png`");
    case Format::webp: throw unsupported("WebP", "PNG or JPEG", "e.g. `dwebp in.webp -o out.png`");
    case Format::tiff:
      throw unsupported("TIFF (or a TIFF-based camera RAW file)", "JPEG",
                        "e.g. `convert in.tif out.jpg`; for RAW files export a JPEG from your photo editor");
    case Format::gif: throw unsupported("GIF", "PNG", "e.g. `convert 'in.gif[0]' out.png`");
    case Format::bmp: throw unsupported("BMP", "PNG", "e.g. `convert in.bmp out.png`");
    case Format::jxl: throw unsupported("JPEG XL", "JPEG or PNG", "e.g. `djxl in.jxl out.png`");
    case Format::jpeg:
    case Format::png: return;
    case Format::unknown: break;
  }
  if (size == 0) throw Error(ExitCode::error, "the file is empty", "photoagent reads JPEG and PNG images");
  throw Error(ExitCode::error, "not an image: no JPEG or PNG signature at the start of the file",
              "photoagent reads JPEG and PNG images; the file name's extension is not used");
}

}  // namespace photoagent::image
