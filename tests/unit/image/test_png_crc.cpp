// PNG chunk CRCs: a download has no checksum of its own, so bytes damaged in
// transit must be caught by the image's (found by the chaos suite: a
// corrupted download was saved as a valid-looking PNG).
#include <doctest/doctest.h>

#include <string>

#include "image_test_util.hpp"
#include "photoagent/image/decode.hpp"
#include "photoagent/util/error.hpp"

using namespace photoagent::image;
using photoagent::image::test::Bytes;

namespace {

std::string probe_error(const Bytes& b) {
  try {
    (void)probe(b, Limits{});
  } catch (const photoagent::util::Error& e) {
    return e.message();
  }
  return "";
}

Bytes rgb_png() {
  test::PngSpec s;
  s.width = 8;
  s.height = 8;
  s.scanlines = Bytes(8 * 8 * 3, 90);
  return test::make_png(s);
}

}  // namespace

TEST_SUITE("image::decode") {
  TEST_CASE("a PNG whose IDAT or IHDR bytes changed is refused as damaged; an intact one passes") {
    const Bytes png = rgb_png();
    CHECK(probe_error(png).empty());
    Bytes idat = png;
    idat[33 + 8 + 20] ^= 0x5A;  // inside the IDAT data (signature 8 + IHDR 25, then IDAT's length and type)
    CHECK(probe_error(idat).find("\"IDAT\" is damaged (CRC mismatch)") != std::string::npos);
    Bytes crc = png;
    crc[33 + 8 + 8 * 25 / 8] ^= 0x01;  // still inside IDAT
    CHECK(probe_error(crc).find("damaged") != std::string::npos);
    Bytes ihdr = png;
    ihdr[16 + 3] ^= 0x01;  // width, still plausible
    CHECK(probe_error(ihdr).find("IHDR chunk is damaged") != std::string::npos);
  }

  TEST_CASE("a damaged ancillary chunk is not a reason to refuse a PNG (as libpng)") {
    Bytes png = rgb_png();
    // Insert a tEXt chunk with a wrong CRC after IHDR.
    const Bytes text{0, 0, 0, 3, 't', 'E', 'X', 't', 'a', 0, 'b', 0xDE, 0xAD, 0xBE, 0xEF};
    png.insert(png.begin() + 33, text.begin(), text.end());
    CHECK(probe_error(png).empty());
  }
}
