#include <doctest/doctest.h>

#include "image_test_util.hpp"
#include "photoagent/image/encode.hpp"
#include "photoagent/util/error.hpp"

using namespace photoagent::image;

TEST_SUITE("image::encode") {
  TEST_CASE("round trip: size, subsampling and pixels") {
    const RgbImage src = test::synthetic_photo(320, 200, 4);
    const std::vector<unsigned char> jpg = encode_jpeg(src);
    REQUIRE(jpg.size() > 100);
    CHECK(jpg[0] == 0xFF);
    CHECK(jpg[1] == 0xD8);
    tjhandle t = tjInitDecompress();
    int w = 0, h = 0, ss = -1, cs = -1;
    REQUIRE(tjDecompressHeader3(t, jpg.data(), jpg.size(), &w, &h, &ss, &cs) == 0);
    CHECK(w == 320);
    CHECK(h == 200);
    CHECK(ss == TJSAMP_420);
    const std::vector<unsigned char> j444 = encode_jpeg(src, {92, Subsampling::s444});
    REQUIRE(tjDecompressHeader3(t, j444.data(), j444.size(), &w, &h, &ss, &cs) == 0);
    CHECK(ss == TJSAMP_444);
    tjDestroy(t);
    CHECK(test::psnr(test::tj_decode(jpg), src) > 38.0);
  }

  TEST_CASE("quality changes the size; an empty image is an error") {
    const RgbImage src = test::synthetic_photo(256, 256, 2, 12);
    CHECK(encode_jpeg(src, {50}).size() < encode_jpeg(src, {92}).size());
    CHECK_THROWS_AS(encode_jpeg(RgbImage{}), photoagent::util::Error);
  }
}
