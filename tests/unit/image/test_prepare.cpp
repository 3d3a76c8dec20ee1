#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <string>
#include <thread>

#include "image_test_util.hpp"
#include "photoagent/image/decode.hpp"
#include "photoagent/image/prepare.hpp"
#include "photoagent/util/error.hpp"

using namespace photoagent::image;
using photoagent::image::test::Bytes;

namespace {

Bytes photo(const std::string& kind, int n) {
  return test::read_file(test::testdata("exif-orientation/" + kind + "_" + std::to_string(n) + ".jpg"));
}

RgbImage prepared_pixels(const Bytes& file, std::uint32_t max_side) {
  PrepareOptions o;
  o.max_side = max_side;
  const Prepared p = prepare(file, o);
  RgbImage img = test::tj_decode(p.jpeg);
  CHECK(img.width == p.width);
  CHECK(img.height == p.height);
  return img;
}

// Each test photo differs from its _0 only in the stamped digit and JPEG
// noise: measured mean abs diff 1.7-4.3 when upright, 73-88 for any of the
// 7 wrong transforms of the same picture.
constexpr double kUprightMad = 6.0;

}  // namespace

TEST_SUITE("image::prepare") {
  TEST_CASE("all 18 EXIF test photos come out upright (pixels, not only sizes)") {
    for (const std::string kind : {"Landscape", "Portrait"}) {
      const bool landscape = kind == "Landscape";
      const RgbImage ref = prepared_pixels(photo(kind, 0), 1800);
      REQUIRE(ref.width == (landscape ? 1800u : 1200u));
      REQUIRE(ref.height == (landscape ? 1200u : 1800u));
      for (int n = 1; n <= 8; ++n) {
        CAPTURE(kind);
        CAPTURE(n);
        PrepareOptions o;
        o.max_side = 1800;
        const Prepared p = prepare(photo(kind, n), o);
        CHECK(p.orientation == n);
        CHECK(p.source_format == Format::jpeg);
        CHECK(p.width == ref.width);
        CHECK(p.height == ref.height);
        const RgbImage img = test::tj_decode(p.jpeg);
        const double mad = test::mean_abs_diff(img, ref);
        INFO(kind << "_" << n << " mean abs diff vs _0: " << mad);
        CHECK(mad < kUprightMad);
      }
    }
  }

  TEST_CASE("the upright check can fail: an un-rotated or mirrored picture is far from _0") {
    const RgbImage ref = prepared_pixels(photo("Landscape", 0), 1800);
    for (int n : {2, 3, 4}) {  // same size as _0 when orientation is ignored
      const RgbImage raw = decode(photo("Landscape", n), Limits{});
      CAPTURE(n);
      CHECK(test::mean_abs_diff(raw, ref) > 5 * kUprightMad);
    }
  }

  TEST_CASE("default max_side 1536: resized and upright; small images are not upscaled") {
    const Prepared l = prepare(photo("Landscape", 6));
    CHECK(l.width == 1536);
    CHECK(l.height == 1024);
    CHECK(l.source_width == 1200);  // stored rotated
    CHECK(l.source_height == 1800);
    const Prepared p = prepare(photo("Portrait", 8));
    CHECK(p.width == 1024);
    CHECK(p.height == 1536);
    // Upright at 1536 as well: compare against _0 through the same pipeline.
    CHECK(test::mean_abs_diff(test::tj_decode(l.jpeg), test::tj_decode(prepare(photo("Landscape", 0)).jpeg)) <
          kUprightMad);

    const Bytes small = test::encode_rgb(test::synthetic_photo(640, 480), 90);
    const Prepared s = prepare(small);
    CHECK(s.width == 640);
    CHECK(s.height == 480);
  }

  TEST_CASE("RGBA PNG through the whole pipeline: flattened on white, re-encoded as JPEG") {
    // 400x300: left half opaque dark red, right half fully transparent black.
    test::PngSpec s;
    s.width = 400;
    s.height = 300;
    s.color_type = 6;
    s.scanlines.resize(400 * 300 * 4);
    for (std::uint32_t y = 0; y < 300; ++y)
      for (std::uint32_t x = 0; x < 400; ++x) {
        unsigned char* p = s.scanlines.data() + (std::size_t(y) * 400 + x) * 4;
        p[0] = x < 200 ? 150 : 0;
        p[1] = 0;
        p[2] = 0;
        p[3] = x < 200 ? 255 : 0;
      }
    PrepareOptions o;
    o.max_side = 200;
    const Prepared p = prepare(test::make_png(s), o);
    CHECK(p.source_format == Format::png);
    CHECK(p.source_had_alpha);
    CHECK(p.width == 200);
    CHECK(p.height == 150);
    const RgbImage img = test::tj_decode(p.jpeg);
    const unsigned char* white = test::pixel(img, 180, 75);
    const unsigned char* red = test::pixel(img, 20, 75);
    CHECK(white[0] >= 250);
    CHECK(white[1] >= 250);
    CHECK(white[2] >= 250);
    CHECK(std::abs(int(red[0]) - 150) <= 4);
    CHECK(red[1] <= 6);
  }

  TEST_CASE("errors a user can act on") {
    auto message = [](const Bytes& b) {
      try {
        (void)prepare(b);
      } catch (const photoagent::util::Error& e) {
        return e.message() + " | " + e.hint();
      }
      return std::string("(no error)");
    };
    Bytes heic{0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0, 'm', 'i', 'f', '1', 'h', 'e', 'i', 'c'};
    heic.resize(64, 0);
    const std::string m = message(heic);
    CHECK(m.find("HEIC/HEIF is not supported; convert it to JPEG first") != std::string::npos);
    CHECK(m.find("heif-convert in.heic out.jpg") != std::string::npos);
    CHECK(message(test::png_header_only(30000, 30000)).find("30000x30000") != std::string::npos);
    CHECK(message(Bytes(10, 'a')).find("not an image") != std::string::npos);
  }

  TEST_CASE("thread-safe: concurrent calls give the same bytes as serial ones") {
    std::vector<Bytes> inputs;
    for (int n : {0, 3, 6, 8}) inputs.push_back(photo("Landscape", n));
    inputs.push_back(test::make_png([] {
      test::PngSpec s;
      s.width = 300;
      s.height = 200;
      s.color_type = 4;
      s.scanlines.resize(300 * 200 * 2);
      for (std::size_t i = 0; i < s.scanlines.size(); ++i) s.scanlines[i] = std::uint8_t(i * 7);
      return s;
    }()));
    PrepareOptions o;
    o.max_side = 700;
    std::vector<std::vector<unsigned char>> serial;
    for (const Bytes& b : inputs) serial.push_back(prepare(b, o).jpeg);
    constexpr int kThreads = 4, kRounds = 3;
    std::vector<int> mismatches(kThreads, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        for (int r = 0; r < kRounds; ++r)
          for (std::size_t i = 0; i < inputs.size(); ++i) {
            const std::size_t k = (i + std::size_t(t)) % inputs.size();
            if (prepare(inputs[k], o).jpeg != serial[k]) ++mismatches[std::size_t(t)];
          }
      });
    for (auto& th : threads) th.join();
    for (int t = 0; t < kThreads; ++t) CHECK(mismatches[std::size_t(t)] == 0);
  }
}
