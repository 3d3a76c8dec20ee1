#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "image/resize_detail.hpp"
#include "image_test_util.hpp"
#include "photoagent/image/resize.hpp"
#include "photoagent/util/error.hpp"

using namespace photoagent::image;

namespace {

RgbImage random_image(std::uint32_t w, std::uint32_t h, unsigned seed) {
  RgbImage img = RgbImage::allocate(w, h);
  std::mt19937 rng(seed);
  for (std::size_t i = 0; i < img.stride() * h; ++i) img.pixels.data()[i] = std::uint8_t(rng());
  return img;
}

bool identical(const RgbImage& a, const RgbImage& b) {
  return a.width == b.width && a.height == b.height &&
         std::memcmp(a.pixels.data(), b.pixels.data(), a.stride() * a.height) == 0;
}

// A smooth, band-limited pattern we can evaluate at any point.
double pattern(double x, double y, int c) {
  return 128 + 60 * std::sin(x * 0.011 + c) + 50 * std::cos(y * 0.017 - c);
}

}  // namespace

TEST_SUITE("image::resize") {
  TEST_CASE("fit_long_side keeps the aspect ratio and never upscales") {
    CHECK(fit_long_side(4000, 3000, 1536) == Size{1536, 1152});
    CHECK(fit_long_side(3000, 4000, 1536) == Size{1152, 1536});
    CHECK(fit_long_side(1800, 1200, 1536) == Size{1536, 1024});
    CHECK(fit_long_side(1000, 700, 1536) == Size{1000, 700});  // already small
    CHECK(fit_long_side(1536, 10, 1536) == Size{1536, 10});
    CHECK(fit_long_side(4000, 3000, 0) == Size{4000, 3000});
    CHECK(fit_long_side(20000, 3, 1536) == Size{1536, 1});     // short side at least 1
    CHECK(fit_long_side(3001, 2001, 1500) == Size{1500, 1000}); // 1000.17 rounds down
    CHECK(fit_long_side(3001, 2002, 1500) == Size{1500, 1001}); // 1000.67 rounds up
  }

  TEST_CASE("weights sum to exactly one and windows stay inside the source") {
    for (Filter f : {Filter::mitchell, Filter::catmull_rom, Filter::lanczos3}) {
      for (auto io : {std::pair{2000u, 1536u}, {4000u, 1152u}, {7u, 3u}, {1u, 1u}, {5u, 1u}, {3u, 10u},
                             {1u, 4u}, {1536u, 1536u}}) {
        const std::uint32_t in = io.first, out = io.second;
        const detail::Taps t = detail::make_taps(in, out, f);
        CAPTURE(in);
        CAPTURE(out);
        REQUIRE(t.start.size() == out);
        CHECK(t.count_padded % 2 == 0);
        for (std::uint32_t o = 0; o < out; ++o) {
          int sum = 0;
          for (int k = 0; k < t.count_padded; ++k) sum += t.weights[std::size_t(o) * t.count_padded + k];
          CHECK(sum == 1 << detail::kWeightBits);
          CHECK(t.start[o] >= 0);
          CHECK(std::uint32_t(t.start[o] + t.count) <= in);
          if (t.count_padded > t.count) CHECK(t.weights[std::size_t(o) * t.count_padded + t.count] == 0);
        }
      }
    }
  }

  TEST_CASE("output size, flat colour preserved exactly, same size is a copy") {
    RgbImage flat = RgbImage::allocate(301, 199);
    for (std::size_t i = 0; i < flat.stride() * flat.height; i += 3) {
      flat.pixels.data()[i] = 12;
      flat.pixels.data()[i + 1] = 200;
      flat.pixels.data()[i + 2] = 255;
    }
    for (Filter f : {Filter::mitchell, Filter::catmull_rom, Filter::lanczos3}) {
      for (auto sz : {std::pair{150u, 99u}, {37u, 13u}, {1u, 1u}, {600u, 400u}}) {
        const std::uint32_t w = sz.first, h = sz.second;
        const RgbImage r = resize(flat, w, h, f);
        REQUIRE(r.width == w);
        REQUIRE(r.height == h);
        bool all = true;
        for (std::size_t i = 0; i < r.stride() * h; i += 3)
          all = all && r.pixels.data()[i] == 12 && r.pixels.data()[i + 1] == 200 && r.pixels.data()[i + 2] == 255;
        CHECK(all);
      }
    }
    const RgbImage noise = random_image(64, 32, 5);
    CHECK(identical(resize(noise, 64, 32), noise));
  }

  TEST_CASE("the SSE2 path matches the scalar reference bit for bit") {
    std::uint32_t sizes[][4] = {{2000, 1500, 1536, 1152}, {333, 251, 100, 75}, {97, 61, 96, 60},
                                {17, 9, 5, 3},           {40, 30, 90, 70},    {1, 7, 1, 3},
                                {7, 1, 3, 1},            {5, 5, 1, 1},        {31, 17, 31, 5}};
    unsigned seed = 1;
    for (auto& s : sizes) {
      const RgbImage src = random_image(s[0], s[1], seed++);
      for (Filter f : {Filter::mitchell, Filter::catmull_rom, Filter::lanczos3}) {
        CAPTURE(s[0]);
        CAPTURE(s[2]);
        const RgbImage a = detail::resize_impl(src, s[2], s[3], f, true);
        const RgbImage b = detail::resize_impl(src, s[2], s[3], f, false);
        CHECK(identical(a, b));
      }
    }
  }

  TEST_CASE("quality: a smooth pattern resamples to the pattern itself") {
    // Source sampled at pixel centres; the output pixel (ox, oy) covers the
    // source point ((ox + 0.5) * scale, ...). Downscale 2000x1500 -> 640x480.
    const std::uint32_t sw = 2000, sh = 1500, dw = 640, dh = 480;
    RgbImage src = RgbImage::allocate(sw, sh);
    for (std::uint32_t y = 0; y < sh; ++y)
      for (std::uint32_t x = 0; x < sw; ++x)
        for (int c = 0; c < 3; ++c)
          src.row(y)[3 * x + c] = std::uint8_t(std::lround(pattern(x + 0.5, y + 0.5, c)));
    for (Filter f : {Filter::mitchell, Filter::catmull_rom, Filter::lanczos3}) {
      const RgbImage out = resize(src, dw, dh, f);
      double err = 0, worst = 0;
      for (std::uint32_t y = 0; y < dh; ++y)
        for (std::uint32_t x = 0; x < dw; ++x)
          for (int c = 0; c < 3; ++c) {
            const double want = pattern((x + 0.5) * sw / dw, (y + 0.5) * sh / dh, c);
            const double d = std::fabs(out.row(y)[3 * x + c] - want);
            err += d;
            worst = std::max(worst, d);
          }
      err /= double(dw) * dh * 3;
      CAPTURE(int(f));
      CHECK(err < 0.8);
      CHECK(worst < 4.0);
    }
    // A point sampler (what a naive resize would do) on a fine pattern aliases;
    // the filter must average: a 1-pixel checkerboard becomes flat grey.
    RgbImage checker = RgbImage::allocate(400, 300);
    for (std::uint32_t y = 0; y < 300; ++y)
      for (std::uint32_t x = 0; x < 400; ++x)
        for (int c = 0; c < 3; ++c) checker.row(y)[3 * x + c] = ((x + y) & 1) ? 255 : 0;
    const RgbImage small = resize(checker, 130, 97);
    double dev = 0;
    for (std::size_t i = 0; i < small.stride() * small.height; ++i) dev += std::abs(small.pixels.data()[i] - 127.5);
    CHECK(dev / double(small.stride() * small.height) < 6.0);
  }

  TEST_CASE("upscaling and degenerate sizes work") {
    const RgbImage one = random_image(1, 1, 9);
    const RgbImage big = resize(one, 5, 4);
    for (std::size_t i = 0; i < big.stride() * big.height; ++i) CHECK(big.pixels.data()[i] == one.pixels.data()[i % 3]);
    const RgbImage line = resize(random_image(1000, 1, 4), 10, 1);
    CHECK(line.width == 10);
    const RgbImage col = resize(random_image(1, 1000, 4), 1, 10);
    CHECK(col.height == 10);
    CHECK_THROWS_AS(resize(RgbImage{}, 10, 10), photoagent::util::Error);
    CHECK_THROWS_AS(resize(one, 0, 3), photoagent::util::Error);
  }
}
