#include <doctest/doctest.h>

#include <string>

#include "image_test_util.hpp"
#include "photoagent/image/sniff.hpp"
#include "photoagent/util/error.hpp"

using namespace photoagent::image;
using photoagent::image::test::Bytes;
using photoagent::util::Error;
using photoagent::util::ExitCode;

namespace {

Bytes bytes(std::string_view s, std::size_t pad = 32) {
  Bytes b(s.begin(), s.end());
  b.resize(std::max(b.size(), pad), 0);
  return b;
}

Bytes ftyp(std::string_view major, std::vector<std::string_view> compatible) {
  const std::uint32_t size = std::uint32_t(16 + 4 * compatible.size());
  std::string s{char(size >> 24), char(size >> 16), char(size >> 8), char(size)};
  s += "ftyp";
  s += major;
  s += std::string(4, '\0');  // minor version
  for (auto c : compatible) s += c;
  s += std::string(16, '\0');  // the next box
  return Bytes(s.begin(), s.end());
}

std::string message_of(Format f, std::size_t size = 100) {
  try {
    require_supported(f, size);
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::error);
    return e.message() + " | " + e.hint();
  }
  return "";
}

}  // namespace

TEST_SUITE("image::sniff") {
  TEST_CASE("magic bytes of every recognised format") {
    CHECK(sniff(Bytes{0xFF, 0xD8, 0xFF, 0xE0}) == Format::jpeg);
    CHECK(sniff(Bytes{0xFF, 0xD8, 0xFF}) == Format::jpeg);
    CHECK(sniff(bytes("\x89PNG\r\n\x1a\n")) == Format::png);
    CHECK(sniff(bytes(std::string_view("RIFF\x10\0\0\0WEBPVP8 ", 16))) == Format::webp);
    CHECK(sniff(bytes("GIF89a")) == Format::gif);
    CHECK(sniff(bytes("GIF87a")) == Format::gif);
    CHECK(sniff(bytes(std::string_view("II*\0\x08\0\0\0", 8))) == Format::tiff);
    CHECK(sniff(bytes(std::string_view("MM\0*\0\0\0\x08", 8))) == Format::tiff);
    CHECK(sniff(bytes(std::string_view("BM\0\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0", 18))) == Format::bmp);
    CHECK(sniff(bytes(std::string_view("\xFF\x0A", 2))) == Format::jxl);
    CHECK(sniff(bytes(std::string_view("\0\0\0\x0CJXL \r\n\x87\n", 12))) == Format::jxl);
    CHECK(sniff(ftyp("heic", {"mif1", "heic"})) == Format::heif);
    CHECK(sniff(ftyp("heix", {})) == Format::heif);
    CHECK(sniff(ftyp("mif1", {"mif1", "heic", "miaf"})) == Format::heif);
    CHECK(sniff(ftyp("avif", {"mif1", "miaf"})) == Format::avif);
    CHECK(sniff(ftyp("mif1", {"mif1", "avif", "miaf"})) == Format::avif);  // AVIF under a generic brand
  }

  TEST_CASE("not images, or too short to tell") {
    CHECK(sniff(Bytes{}) == Format::unknown);
    CHECK(sniff(Bytes{0xFF, 0xD8}) == Format::unknown);
    CHECK(sniff(bytes("\x89PNG")) == Format::unknown);
    CHECK(sniff(bytes("hello, world")) == Format::unknown);
    CHECK(sniff(bytes("%PDF-1.7")) == Format::unknown);
    CHECK(sniff(ftyp("isom", {"isom", "mp42"})) == Format::unknown);  // an MP4 video
    CHECK(sniff(bytes("BM this is text")) == Format::unknown);        // "BM" without a DIB header
    Bytes short_ftyp = ftyp("heic", {});
    short_ftyp.resize(12);
    CHECK(sniff(short_ftyp) == Format::unknown);
    Bytes bogus_box = ftyp("isom", {"heic"});
    bogus_box[3] = 8;  // box size smaller than its header
    CHECK(sniff(bogus_box) == Format::unknown);
    Bytes oversized = ftyp("isom", {"heic"});
    oversized[0] = 0x7f;  // box claims far more than the file: brands read up to the end only
    CHECK(sniff(oversized) == Format::heif);
  }

  TEST_CASE("JPEG and PNG are supported; the rest say how to convert") {
    CHECK(is_supported(Format::jpeg));
    CHECK(is_supported(Format::png));
    CHECK_NOTHROW(require_supported(Format::jpeg, 10));
    CHECK_NOTHROW(require_supported(Format::png, 10));
    for (Format f : {Format::webp, Format::heif, Format::avif, Format::tiff, Format::gif, Format::bmp, Format::jxl,
                     Format::unknown})
      CHECK_FALSE(is_supported(f));
    const std::string heic = message_of(Format::heif);
    CHECK(heic.find("HEIC") != std::string::npos);
    CHECK(heic.find("not supported") != std::string::npos);
    CHECK(heic.find("heif-convert in.heic out.jpg") != std::string::npos);
    CHECK(message_of(Format::webp).find("dwebp") != std::string::npos);
    CHECK(message_of(Format::avif).find("avifdec") != std::string::npos);
    CHECK(message_of(Format::tiff).find("TIFF") != std::string::npos);
    CHECK(message_of(Format::gif).find("GIF") != std::string::npos);
    CHECK(message_of(Format::bmp).find("BMP") != std::string::npos);
    CHECK(message_of(Format::jxl).find("djxl") != std::string::npos);
    CHECK(message_of(Format::unknown).find("not an image") != std::string::npos);
    CHECK(message_of(Format::unknown, 0).find("empty") != std::string::npos);
  }

  TEST_CASE("format names") {
    CHECK(format_name(Format::jpeg) == "JPEG");
    CHECK(format_name(Format::png) == "PNG");
    CHECK(format_name(Format::heif) == "HEIC/HEIF");
    CHECK(format_name(Format::unknown) == "unknown");
  }
}
