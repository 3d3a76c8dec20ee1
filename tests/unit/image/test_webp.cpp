#include <doctest/doctest.h>

#include "photoagent/image/decode.hpp"
#include "photoagent/image/prepare.hpp"
#include "webp_test_util.hpp"

using namespace photoagent::image;
using photoagent::image::test::Bytes;
using photoagent::image::test::contains;
using photoagent::image::test::error_of;
using photoagent::image::test::WebpKind;

namespace {

DecodeOptions webp_ok(Limits limits = {}) {
  DecodeOptions o;
  o.limits = limits;
  o.allow_webp = true;
  return o;
}

}  // namespace

TEST_SUITE("image::webp") {
  TEST_CASE("lossless round trip is exact; lossy is close; probe reads the header") {
    const RgbImage src = test::synthetic_photo(97, 61, 3, 6);
    const Bytes lossless = test::webp_encode(src, WebpKind::lossless_rgb);
    const ImageInfo info = probe(lossless, webp_ok());
    CHECK(info.format == Format::webp);
    CHECK(info.width == 97);
    CHECK(info.height == 61);
    CHECK_FALSE(info.has_alpha);
    const RgbImage out = decode(lossless, webp_ok());
    REQUIRE(out.width == 97);
    REQUIRE(out.height == 61);
    CHECK(test::mean_abs_diff(out, src) == 0.0);

    const Bytes lossy = test::webp_encode(src, WebpKind::lossy_rgb, 92.0f);
    const RgbImage approx = decode(lossy, webp_ok());
    CHECK(approx.width == 97);
    CHECK(test::psnr(approx, src) > 30.0);
  }

  TEST_CASE("WebP stays refused unless the caller opts in") {
    const Bytes w = test::webp_encode(test::synthetic_photo(16, 16), WebpKind::lossy_rgb);
    CHECK(contains(error_of([&] { (void)probe(w, Limits{}); }), "WebP is not supported"));
    CHECK(contains(error_of([&] { (void)decode(w, Limits{}); }), "WebP is not supported"));
    CHECK(contains(error_of([&] { (void)prepare(w); }), "WebP is not supported"));
    PrepareOptions po;
    po.allow_webp = true;
    po.max_side = 8;
    const Prepared p = prepare(w, po);
    CHECK(p.source_format == Format::webp);
    CHECK(p.width == 8);
    CHECK(p.jpeg.size() > 100);
  }

  TEST_CASE("limits are enforced from the header, before decoding") {
    // A VP8X header alone claims 16000x16000: the answer is the limit, not
    // "truncated", so nothing was decoded.
    const Bytes claim = test::webp_vp8x_only(16000, 16000);
    const std::string m = error_of([&] { (void)decode(claim, webp_ok()); });
    CHECK(contains(m, "16000x16000"));
    CHECK(contains(m, "256.0 megapixels"));
    CHECK(error_of([&] { (void)probe(claim, webp_ok()); }) == m);
    Limits tight;
    tight.max_side = 50;
    const Bytes real = test::webp_encode(test::synthetic_photo(60, 20), WebpKind::lossless_rgb);
    CHECK(contains(error_of([&] { (void)decode(real, webp_ok(tight)); }), "60x20"));
    tight.max_file_bytes = real.size() - 1;
    tight.max_side = 100;
    CHECK(contains(error_of([&] { (void)decode(real, webp_ok(tight)); }), "the limit is"));
  }

  TEST_CASE("alpha is composited over white, as for PNG") {
    // 4x1 RGBA: transparent red, opaque blue, half-transparent black, opaque green.
    const unsigned char px[] = {255, 0, 0, 0, 0, 0, 255, 255, 0, 0, 0, 128, 0, 255, 0, 255};
    const Bytes w = test::webp_encode(px, 4, 1, WebpKind::lossless_rgba);
    CHECK(probe(w, webp_ok()).has_alpha);
    const RgbImage out = decode(w, webp_ok());
    REQUIRE(out.width == 4);
    auto at = [&](std::uint32_t x, int c) { return int(test::pixel(out, x, 0)[c]); };
    CHECK((at(0, 0) == 255 && at(0, 1) == 255 && at(0, 2) == 255));
    CHECK((at(1, 0) == 0 && at(1, 1) == 0 && at(1, 2) == 255));
    CHECK((at(2, 0) == 127 && at(2, 1) == 127 && at(2, 2) == 127));  // 255 * (255 - 128) / 255, rounded
    CHECK((at(3, 0) == 0 && at(3, 1) == 255 && at(3, 2) == 0));
  }

  TEST_CASE("animated, truncated and garbage WebP are refused cleanly") {
    CHECK(contains(error_of([&] { (void)decode(test::webp_vp8x_only(10, 10, 0x02), webp_ok()); }),
                   "animated WebP is not supported"));
    const Bytes w = test::webp_encode(test::synthetic_photo(40, 30, 5, 10), WebpKind::lossy_rgb);
    // Every prefix: an error naming WebP (or, for the shortest, the sniffer's
    // "not an image"), never a crash or a half-decoded picture.
    for (std::size_t n = 0; n < w.size(); ++n) {
      CAPTURE(n);
      const std::string m = error_of([&] { (void)decode(Bytes(w.begin(), w.begin() + std::ptrdiff_t(n)), webp_ok()); });
      CHECK(m != "(no error)");
    }
    Bytes garbage = w;
    for (std::size_t i = 40; i < garbage.size(); ++i) garbage[i] = static_cast<unsigned char>(i * 7);
    CHECK(contains(error_of([&] { (void)decode(garbage, webp_ok()); }), "not a valid WebP"));
    Bytes lying = w;  // RIFF size far beyond the data
    lying[4] = lying[5] = lying[6] = 0xFF;
    lying[7] = 0x0F;
    CHECK(contains(error_of([&] { (void)decode(lying, webp_ok()); }), "not a valid WebP"));
    CHECK(contains(error_of([&] { (void)decode(Bytes{'R', 'I', 'F', 'F', 4, 0, 0, 0, 'W', 'E', 'B', 'P'}, webp_ok()); }),
                   "not a valid WebP"));
  }
}
