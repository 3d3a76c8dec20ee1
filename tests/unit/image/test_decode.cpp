#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "image_test_util.hpp"
#include "photoagent/image/decode.hpp"
#include "photoagent/util/error.hpp"

using namespace photoagent::image;
using photoagent::image::test::Bytes;
using photoagent::util::Error;
using photoagent::util::ExitCode;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::error);
    return e.message();
  }
  return "(no error)";
}

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

// Rewrites the first SOF marker's height and width fields.
Bytes patch_sof(Bytes jpeg, std::uint16_t w, std::uint16_t h) {
  for (std::size_t i = 2; i + 9 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && (jpeg[i + 1] == 0xC0 || jpeg[i + 1] == 0xC2)) {
      jpeg[i + 5] = std::uint8_t(h >> 8);
      jpeg[i + 6] = std::uint8_t(h);
      jpeg[i + 7] = std::uint8_t(w >> 8);
      jpeg[i + 8] = std::uint8_t(w);
      return jpeg;
    }
  }
  FAIL("no SOF marker");
  return jpeg;
}

test::PngSpec spec(std::uint32_t w, std::uint32_t h, int color, int depth, Bytes px) {
  test::PngSpec s;
  s.width = w;
  s.height = h;
  s.color_type = color;
  s.bit_depth = depth;
  s.scanlines = std::move(px);
  return s;
}

void check_px(const RgbImage& img, std::uint32_t x, std::uint32_t y, int r, int g, int b) {
  CAPTURE(x);
  CAPTURE(y);
  const unsigned char* p = test::pixel(img, x, y);
  CHECK(int(p[0]) == r);
  CHECK(int(p[1]) == g);
  CHECK(int(p[2]) == b);
}

}  // namespace

TEST_SUITE("image::decode") {
  TEST_CASE("a PNG header claiming 30000x30000 is refused before decoding") {
    const Bytes png = test::png_header_only(30000, 30000);
    CHECK(png.size() < 200);
    const std::string m = error_of([&] { (void)probe(png, Limits{}); });
    CHECK(contains(m, "30000x30000"));
    CHECK(contains(m, "900.0 megapixels"));
    CHECK(contains(m, "20000 pixels per side"));
    // decode() refuses with the same limit message, not a decoder error.
    CHECK(error_of([&] { (void)decode(png, Limits{}); }) == m);
    // Within the side limit but over the area limit.
    const std::string area = error_of([&] { (void)decode(test::png_header_only(12000, 9000), Limits{}); });
    CHECK(contains(area, "12000x9000"));
    CHECK(contains(area, "108.0 megapixels"));
    // A limit of our own choosing.
    Limits tight;
    tight.max_pixels = 100;
    CHECK(contains(error_of([&] { (void)probe(test::png_header_only(11, 10), tight); }), "11x10"));
    CHECK_NOTHROW((void)probe(test::png_header_only(10, 10), tight));
  }

  TEST_CASE("a JPEG header claiming 30000x30000 is refused before decoding") {
    const RgbImage small = test::synthetic_photo(64, 48);
    const Bytes jpeg = patch_sof(test::encode_rgb(small), 30000, 30000);
    const ImageInfo ok = probe(test::encode_rgb(small), Limits{});
    CHECK(ok.format == Format::jpeg);
    CHECK(ok.width == 64);
    CHECK(ok.height == 48);
    const std::string m = error_of([&] { (void)decode(jpeg, Limits{}); });
    CHECK(contains(m, "30000x30000"));
    CHECK(contains(error_of([&] { (void)probe(patch_sof(test::encode_rgb(small), 20001, 10), Limits{}); }),
                   "20001x10"));
  }

  TEST_CASE("file size limit") {
    Limits l;
    l.max_file_bytes = 1000;
    const Bytes png = test::make_png(spec(40, 40, 2, 8, Bytes(40 * 40 * 3, 7)));
    REQUIRE(png.size() > 1000);
    const std::string m = error_of([&] { (void)probe(png, l); });
    CHECK(contains(m, "the limit is 0.0 MB"));
    l.max_file_bytes = png.size();
    CHECK_NOTHROW((void)decode(png, l));
  }

  TEST_CASE("unsupported and broken input") {
    CHECK(contains(error_of([] { (void)probe(Bytes{}, Limits{}); }), "empty"));
    CHECK(contains(error_of([] { (void)probe(Bytes(100, 'x'), Limits{}); }), "not an image"));
    Bytes gif{'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0};
    CHECK(contains(error_of([&] { (void)decode(gif, Limits{}); }), "GIF is not supported"));
    // A JPEG signature with garbage after it.
    Bytes garbage{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0x12, 0x34};
    CHECK(contains(error_of([&] { (void)decode(garbage, Limits{}); }), "not a valid JPEG"));
    // PNG: bad IHDR, invalid depth, truncated data.
    Bytes png = test::make_png(spec(8, 8, 2, 8, Bytes(8 * 8 * 3, 200)));
    Bytes bad = png;
    bad[12] = 'X';
    CHECK(contains(error_of([&] { (void)probe(bad, Limits{}); }), "not a valid PNG"));
    Bytes depth = png;
    depth[24] = 3;  // RGB with 3 bits per sample
    CHECK(contains(error_of([&] { (void)probe(depth, Limits{}); }), "bit depth 3"));
    Bytes cut(png.begin(), png.begin() + 60);
    CHECK(contains(error_of([&] { (void)decode(cut, Limits{}); }), "not a valid PNG"));
    Bytes zero = test::png_header_only(0, 10);
    CHECK(contains(error_of([&] { (void)probe(zero, Limits{}); }), "empty image"));
  }

  TEST_CASE("PNG inputs that Debian's stb_image 2.27 mishandles are refused first") {
    // A chunk claiming 2 GB in a tiny file (stb would allocate the claim).
    Bytes claim = test::png_header_only(16, 16);
    const std::size_t idat = 8 + 25;  // after the signature and IHDR
    REQUIRE(std::string(claim.begin() + std::ptrdiff_t(idat) + 4, claim.begin() + std::ptrdiff_t(idat) + 8) == "IDAT");
    claim[idat] = 0x7f;
    const std::string m = error_of([&] { (void)decode(claim, Limits{}); });
    CHECK(contains(m, "truncated"));
    CHECK(contains(m, "IDAT"));
    // A zero-length first IDAT (stb would memcpy to a null pointer).
    Bytes empty_idat{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    test::put_chunk(empty_idat, "IHDR", test::png_ihdr(1, 1, 8, 2));
    test::put_chunk(empty_idat, "IDAT", {});
    test::put_chunk(empty_idat, "IDAT", test::zlib_stored(Bytes{0, 1, 2, 3}));
    test::put_chunk(empty_idat, "IEND", {});
    CHECK(contains(error_of([&] { (void)decode(empty_idat, Limits{}); }), "empty first IDAT"));
  }

  TEST_CASE("a deflate bomb fails at the allocation cap instead of inflating") {
    // Sanity: the bomb encoder is right (a 64x4 grey image of zeros decodes).
    Bytes small{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    test::put_chunk(small, "IHDR", test::png_ihdr(64, 4, 8, 0));
    test::put_chunk(small, "IDAT", test::zlib_zero_bomb(4 * 65));
    test::put_chunk(small, "IEND", {});
    const RgbImage ok = decode(small, Limits{});
    CHECK(ok.width == 64);
    CHECK(int(test::pixel(ok, 63, 3)[0]) == 0);
    // 16x16 needs 784 bytes of scanlines; the stream inflates to 200 MB.
    Bytes bomb{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    test::put_chunk(bomb, "IHDR", test::png_ihdr(16, 16, 8, 2));
    test::put_chunk(bomb, "IDAT", test::zlib_zero_bomb(200'000'000));
    test::put_chunk(bomb, "IEND", {});
    CHECK(bomb.size() < 1'400'000);
    const std::string m = error_of([&] { (void)decode(bomb, Limits{}); });
    CHECK(contains(m, "expands beyond what a 16x16 image needs"));
  }

  TEST_CASE("RGBA PNG is flattened on white, not stripped of alpha") {
    // 2x2: transparent black, half-transparent red, opaque blue, 25% green.
    const Bytes px{0, 0, 0, 0, 255, 0, 0, 128, 0, 0, 255, 255, 0, 255, 0, 64};
    const Bytes png = test::make_png(spec(2, 2, 6, 8, px));
    const ImageInfo info = probe(png, Limits{});
    CHECK(info.has_alpha);
    const RgbImage img = decode(png, Limits{});
    REQUIRE(img.width == 2);
    REQUIRE(img.height == 2);
    check_px(img, 0, 0, 255, 255, 255);  // the black under alpha 0 must not show
    check_px(img, 1, 0, 255, 127, 127);  // (0*128 + 255*127 + 127) / 255 = 127
    check_px(img, 0, 1, 0, 0, 255);
    check_px(img, 1, 1, 191, 255, 191);  // (255*191 + 127) / 255 = 191
  }

  TEST_CASE("grey, grey+alpha, 16-bit, palette and tRNS PNGs all become 8-bit RGB") {
    SUBCASE("grey 8-bit") {
      const RgbImage img = decode(test::make_png(spec(3, 1, 0, 8, Bytes{0, 100, 255})), Limits{});
      check_px(img, 0, 0, 0, 0, 0);
      check_px(img, 1, 0, 100, 100, 100);
      check_px(img, 2, 0, 255, 255, 255);
    }
    SUBCASE("grey 1-bit") {
      const RgbImage img = decode(test::make_png(spec(8, 1, 0, 1, Bytes{0b10100000})), Limits{});
      check_px(img, 0, 0, 255, 255, 255);
      check_px(img, 1, 0, 0, 0, 0);
      check_px(img, 2, 0, 255, 255, 255);
      check_px(img, 7, 0, 0, 0, 0);
    }
    SUBCASE("grey + alpha") {
      const RgbImage img = decode(test::make_png(spec(2, 1, 4, 8, Bytes{0, 0, 0, 255})), Limits{});
      check_px(img, 0, 0, 255, 255, 255);
      check_px(img, 1, 0, 0, 0, 0);
    }
    SUBCASE("RGB 16-bit") {
      const ImageInfo info = probe(test::make_png(spec(1, 1, 2, 16, Bytes{0x12, 0x34, 0xAB, 0xCD, 0xFF, 0xFF})),
                                   Limits{});
      CHECK(info.bit_depth == 16);
      const RgbImage img =
          decode(test::make_png(spec(1, 1, 2, 16, Bytes{0x12, 0x34, 0xAB, 0xCD, 0xFF, 0xFF})), Limits{});
      check_px(img, 0, 0, 0x12, 0xAB, 0xFF);
    }
    SUBCASE("grey 16-bit") {
      const RgbImage img = decode(test::make_png(spec(2, 1, 0, 16, Bytes{0x80, 0x00, 0x01, 0x00})), Limits{});
      check_px(img, 0, 0, 0x80, 0x80, 0x80);
      check_px(img, 1, 0, 1, 1, 1);
    }
    SUBCASE("RGBA 16-bit: alpha composited") {
      const RgbImage img =
          decode(test::make_png(spec(1, 1, 6, 16, Bytes{0, 0, 0, 0, 0, 0, 0, 0})), Limits{});
      check_px(img, 0, 0, 255, 255, 255);
    }
    SUBCASE("palette, with and without tRNS") {
      test::PngSpec s = spec(3, 1, 3, 8, Bytes{0, 1, 2});
      s.plte = {255, 0, 0, 0, 255, 0, 0, 0, 255};
      const RgbImage opaque = decode(test::make_png(s), Limits{});
      check_px(opaque, 0, 0, 255, 0, 0);
      check_px(opaque, 1, 0, 0, 255, 0);
      check_px(opaque, 2, 0, 0, 0, 255);
      s.trns = {255, 0};  // entry 1 fully transparent; entry 2 opaque by default
      CHECK(probe(test::make_png(s), Limits{}).has_alpha);
      const RgbImage keyed = decode(test::make_png(s), Limits{});
      check_px(keyed, 0, 0, 255, 0, 0);
      check_px(keyed, 1, 0, 255, 255, 255);
      check_px(keyed, 2, 0, 0, 0, 255);
    }
    SUBCASE("RGB with a tRNS colour key") {
      test::PngSpec s = spec(2, 1, 2, 8, Bytes{10, 20, 30, 40, 50, 60});
      s.trns = {0, 10, 0, 20, 0, 30};  // 16-bit samples: key colour (10, 20, 30)
      const RgbImage img = decode(test::make_png(s), Limits{});
      check_px(img, 0, 0, 255, 255, 255);
      check_px(img, 1, 0, 40, 50, 60);
    }
  }

  TEST_CASE("JPEG: RGB, grey and CMYK sources decode to RGB") {
    const RgbImage src = test::synthetic_photo(96, 64);
    const RgbImage rgb = decode(test::encode_rgb(src, 98, TJSAMP_444), Limits{});
    CHECK(rgb.width == 96);
    CHECK(rgb.height == 64);
    CHECK(test::mean_abs_diff(rgb, src) < 2.0);

    Bytes grey(96 * 64);
    for (std::size_t i = 0; i < grey.size(); ++i) grey[i] = std::uint8_t(i % 96 * 2);
    const Bytes gj = test::tj_encode(grey.data(), 96, 64, TJPF_GRAY, TJSAMP_GRAY, 98);
    CHECK(probe(gj, Limits{}).grayscale);
    const RgbImage g = decode(gj, Limits{});
    for (std::uint32_t x = 0; x < 96; x += 7) {
      const unsigned char* p = test::pixel(g, x, 10);
      CHECK(p[0] == p[1]);
      CHECK(p[1] == p[2]);
      CHECK(std::abs(int(p[0]) - int(x * 2)) <= 3);
    }

    // Adobe-style (inverted) CMYK: C=255,M=0,Y=255,K=255 means no cyan ink, full
    // magenta ... i.e. R = C*K/255 = 255, G = 0, B = 255.
    Bytes cmyk;
    for (int i = 0; i < 32 * 32; ++i) cmyk.insert(cmyk.end(), {255, 0, 255, 255});
    const RgbImage c = decode(test::tj_encode(cmyk.data(), 32, 32, TJPF_CMYK, TJSAMP_444, 98), Limits{});
    const unsigned char* p = test::pixel(c, 16, 16);
    CHECK(p[0] >= 250);
    CHECK(p[1] <= 5);
    CHECK(p[2] >= 250);
  }

  TEST_CASE("JPEG DCT scaling: the smallest 1/2^k that still covers the target") {
    CHECK(jpeg_scale_shift(4000, 1536) == 1);  // 2000 >= 1536 > 1000
    CHECK(jpeg_scale_shift(8000, 1536) == 2);  // 2000
    CHECK(jpeg_scale_shift(3072, 1536) == 1);  // exactly 1536
    CHECK(jpeg_scale_shift(3071, 1536) == 1);  // ceil(3071 / 2) = 1536
    CHECK(jpeg_scale_shift(3070, 1536) == 0);  // 1535 would not cover it
    CHECK(jpeg_scale_shift(20000, 1536) == 3);  // capped at 1/8
    CHECK(jpeg_scale_shift(1000, 1536) == 0);  // never below the target
    CHECK(jpeg_scale_shift(4000, 0) == 0);     // 0 = full size
    const Bytes j = test::encode_rgb(test::synthetic_photo(1600, 1200), 90);
    const RgbImage quarter = decode(j, Limits{}, 400);
    CHECK(quarter.width == 400);
    CHECK(quarter.height == 300);
    const RgbImage half = decode(j, Limits{}, 401);
    CHECK(half.width == 800);
    CHECK(half.height == 600);
    const RgbImage eighth = decode(j, Limits{}, 100);
    CHECK(eighth.width == 200);
    CHECK(eighth.height == 150);
    const RgbImage full = decode(j, Limits{});
    CHECK(full.width == 1600);
  }

  TEST_CASE("truncated JPEG: an error by default, grey fill when warnings are accepted") {
    const Bytes j = test::encode_rgb(test::synthetic_photo(256, 256, 3, 20), 90);
    const Bytes cut(j.begin(), j.begin() + std::ptrdiff_t(j.size() / 2));
    const std::string m = error_of([&] { (void)decode(cut, Limits{}); });
    CHECK(contains(m, "corrupt or truncated JPEG"));
    const RgbImage img = decode(cut, Limits{}, 0, true);
    CHECK(img.width == 256);
    const unsigned char* bottom = test::pixel(img, 128, 250);  // libjpeg fills the missing part with grey
    CHECK(std::abs(int(bottom[0]) - 128) <= 2);
  }
}
