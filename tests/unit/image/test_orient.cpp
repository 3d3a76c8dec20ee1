#include <doctest/doctest.h>

#include "image_test_util.hpp"
#include "photoagent/image/orient.hpp"

using namespace photoagent::image;

namespace {

// Each pixel encodes its own coordinates: (x, y, x ^ y).
RgbImage coords(std::uint32_t w, std::uint32_t h) {
  RgbImage img = RgbImage::allocate(w, h);
  for (std::uint32_t y = 0; y < h; ++y)
    for (std::uint32_t x = 0; x < w; ++x) {
      unsigned char* p = img.row(y) + 3 * x;
      p[0] = std::uint8_t(x);
      p[1] = std::uint8_t(y);
      p[2] = std::uint8_t(x ^ y);
    }
  return img;
}

// Where the source pixel (x, y) of a w x h image lands (images.md §2 table).
std::pair<std::uint32_t, std::uint32_t> expected_dst(int o, std::uint32_t x, std::uint32_t y, std::uint32_t w,
                                                     std::uint32_t h) {
  switch (o) {
    case 2: return {w - 1 - x, y};
    case 3: return {w - 1 - x, h - 1 - y};
    case 4: return {x, h - 1 - y};
    case 5: return {y, x};
    case 6: return {h - 1 - y, x};
    case 7: return {h - 1 - y, w - 1 - x};
    case 8: return {y, w - 1 - x};
    default: return {x, y};
  }
}

bool same(const RgbImage& a, const RgbImage& b) {
  return a.width == b.width && a.height == b.height &&
         std::memcmp(a.pixels.data(), b.pixels.data(), a.stride() * a.height) == 0;
}

}  // namespace

TEST_SUITE("image::orient") {
  TEST_CASE("all 8 orientations follow the EXIF mapping") {
    // 150x70 crosses the 64-pixel tile boundaries of the transposing path.
    for (auto sz : {std::pair{3u, 2u}, {150u, 70u}, {1u, 5u}}) {
      const std::uint32_t w = sz.first, h = sz.second;
      const RgbImage src = coords(w, h);
      for (int o = 1; o <= 8; ++o) {
        CAPTURE(o);
        CAPTURE(w);
        const RgbImage d = apply_orientation(src, o);
        const bool swap = o >= 5;
        REQUIRE(d.width == (swap ? h : w));
        REQUIRE(d.height == (swap ? w : h));
        bool ok = true;
        for (std::uint32_t y = 0; y < h; ++y)
          for (std::uint32_t x = 0; x < w; ++x) {
            auto [dx, dy] = expected_dst(o, x, y, w, h);
            ok = ok && std::memcmp(test::pixel(d, dx, dy), test::pixel(src, x, y), 3) == 0;
          }
        CHECK(ok);
      }
    }
  }

  TEST_CASE("6 then 8, 5 twice, 3 twice are identities; out-of-range values leave the image alone") {
    const RgbImage src = coords(97, 41);
    CHECK(same(apply_orientation(apply_orientation(src, 6), 8), src));
    CHECK(same(apply_orientation(apply_orientation(src, 5), 5), src));
    CHECK(same(apply_orientation(apply_orientation(src, 3), 3), src));
    CHECK(same(apply_orientation(apply_orientation(src, 7), 7), src));
    CHECK(same(apply_orientation(src, 0), src));
    CHECK(same(apply_orientation(src, 9), src));
    RgbImage moved = coords(97, 41);
    const unsigned char* buf = moved.pixels.data();
    const RgbImage kept = apply_orientation(std::move(moved), 1);
    CHECK(kept.pixels.data() == buf);  // no copy for orientation 1
  }
}
