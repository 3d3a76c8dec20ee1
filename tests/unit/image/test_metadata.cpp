#include <doctest/doctest.h>

#include <string>

#include "photoagent/image/decode.hpp"
#include "photoagent/image/metadata.hpp"
#include "webp_test_util.hpp"

using namespace photoagent::image;
using photoagent::image::test::Bytes;
using photoagent::image::test::contains;
using photoagent::image::test::error_of;
using photoagent::image::test::WebpKind;

namespace {

std::string str(const Bytes& b) { return std::string(b.begin(), b.end()); }
Bytes bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

RgbImage decoded(const std::string& file) {
  DecodeOptions o;
  o.allow_webp = true;
  return decode(bytes(file), o);
}

// The embedded file still decodes with our decoder, to the same pixels.
void check_pixels_unchanged(const std::string& original, const std::string& embedded) {
  const RgbImage a = decoded(original), b = decoded(embedded);
  REQUIRE(a.width == b.width);
  REQUIRE(a.height == b.height);
  CHECK(test::mean_abs_diff(a, b) == 0.0);
}

std::string sample_png() {
  test::PngSpec s;
  s.width = 5;
  s.height = 3;
  for (int i = 0; i < 5 * 3 * 3; ++i) s.scanlines.push_back(static_cast<unsigned char>(i * 17));
  return str(test::make_png(s));
}
std::string sample_jpeg() { return str(test::encode_rgb(test::synthetic_photo(40, 24))); }

const std::string kJson = R"({"prompt":"a <red> & \"blue\" café ☕ at dusk","seed":42,"model":"black-forest-labs/flux-schnell"})";

}  // namespace

TEST_SUITE("image::metadata") {
  TEST_CASE("PNG: iTXt right after IHDR with a valid CRC; replaced, not duplicated") {
    const std::string png = sample_png();
    const std::string out = embed_text_metadata(png, "photoagent", kJson);
    CHECK(read_text_metadata(out, "photoagent") == kJson);
    CHECK_FALSE(read_text_metadata(png, "photoagent").has_value());
    CHECK_FALSE(read_text_metadata(out, "other").has_value());
    REQUIRE(out.size() == png.size() + 12 + 10 + 5 + kJson.size());
    CHECK(out.substr(37, 4) == "iTXt");  // signature 8 + IHDR 25, then length
    const std::uint32_t len = std::uint32_t(kJson.size() + 15);
    CHECK(test::crc32(reinterpret_cast<const unsigned char*>(out.data()) + 37, 4 + len) ==
          (std::uint32_t(std::uint8_t(out[41 + len])) << 24 | std::uint32_t(std::uint8_t(out[42 + len])) << 16 |
           std::uint32_t(std::uint8_t(out[43 + len])) << 8 | std::uint8_t(out[44 + len])));
    check_pixels_unchanged(png, out);

    const std::string again = embed_text_metadata(out, "photoagent", "second");
    CHECK(read_text_metadata(again, "photoagent") == "second");
    CHECK(again.find(kJson) == std::string::npos);
    const std::string both = embed_text_metadata(again, "extra", "");
    CHECK(read_text_metadata(both, "extra") == "");
    CHECK(read_text_metadata(both, "photoagent") == "second");
  }

  TEST_CASE("PNG: tEXt from another tool is read (Latin-1 to UTF-8); a bad CRC is ignored") {
    Bytes png = test::make_png(test::PngSpec{1, 1, 8, 2, {1, 2, 3}, {}, {}});
    Bytes with_text(png.begin(), png.begin() + 33);
    test::put_chunk(with_text, "tEXt", Bytes{'p', 'a', 'r', 'a', 'm', 's', 0, 'c', 'a', 'f', 0xE9});
    with_text.insert(with_text.end(), png.begin() + 33, png.end());
    CHECK(read_text_metadata(str(with_text), "params") == "caf\xC3\xA9");
    with_text[33 + 8 + 11] ^= 1;  // first CRC byte of the tEXt chunk
    CHECK_FALSE(read_text_metadata(str(with_text), "params").has_value());
  }

  TEST_CASE("JPEG: COM after SOI and APP0; long text split on character boundaries") {
    const std::string jpeg = sample_jpeg();
    REQUIRE(std::uint8_t(jpeg[3]) == 0xE0);  // TurboJPEG writes JFIF APP0 first
    const std::string out = embed_text_metadata(jpeg, "photoagent", kJson);
    CHECK(read_text_metadata(out, "photoagent") == kJson);
    const std::size_t app0_end = 4 + (std::size_t(std::uint8_t(jpeg[4])) << 8 | std::uint8_t(jpeg[5]));
    CHECK(std::uint8_t(out[app0_end]) == 0xFF);
    CHECK(std::uint8_t(out[app0_end + 1]) == 0xFE);
    CHECK(out.substr(app0_end + 4, 12) == "photoagent: ");
    check_pixels_unchanged(jpeg, out);

    // 150 000 bytes of two-byte characters, offset by one ASCII byte so a
    // naive split would land inside a character.
    std::string big = "x";
    while (big.size() < 150000) big += "\xC3\xA9";
    const std::string split = embed_text_metadata(jpeg, "photoagent", big);
    CHECK(read_text_metadata(split, "photoagent") == big);
    CHECK(split.find("photoagent+: ") != std::string::npos);
    check_pixels_unchanged(jpeg, split);
    // Re-embedding removes every old piece.
    const std::string small = embed_text_metadata(split, "photoagent", "short");
    CHECK(read_text_metadata(small, "photoagent") == "short");
    CHECK(small.size() < jpeg.size() + 100);
  }

  TEST_CASE("WebP: XMP chunk; simple lossy and lossless+alpha files become VP8X") {
    const Bytes lossy = test::webp_encode(test::synthetic_photo(30, 20), WebpKind::lossy_rgb);
    const std::string text = kJson + "\r\n\ttab & <tag>";
    const std::string out = embed_text_metadata(str(lossy), "photoagent", text);
    CHECK(out.substr(12, 4) == "VP8X");
    CHECK((std::uint8_t(out[20]) & 0x04) != 0);    // XMP flag
    CHECK((std::uint8_t(out[20]) & 0x10) == 0);    // no alpha
    CHECK(out.find("XMP ") != std::string::npos);
    CHECK(read_text_metadata(out, "photoagent") == text);
    check_pixels_unchanged(str(lossy), out);

    const unsigned char px[] = {255, 0, 0, 0, 0, 0, 255, 255, 9, 9, 9, 128, 0, 255, 0, 255};
    const std::string rgba = str(test::webp_encode(px, 2, 2, WebpKind::lossless_rgba));
    const std::string out2 = embed_text_metadata(rgba, "photoagent", "x");
    CHECK((std::uint8_t(out2[20]) & 0x10) != 0);  // alpha flag carried over
    check_pixels_unchanged(rgba, out2);

    // A second key joins the same packet; re-embedding a key replaces it.
    const std::string two = embed_text_metadata(out, "extra", "second");
    CHECK(read_text_metadata(two, "photoagent") == text);
    CHECK(read_text_metadata(two, "extra") == "second");
    const std::string three = embed_text_metadata(two, "photoagent", "new");
    CHECK(read_text_metadata(three, "photoagent") == "new");
    CHECK(read_text_metadata(three, "extra") == "second");
    CHECK(three.find("XMP ") == three.rfind("XMP "));  // still one XMP chunk
    check_pixels_unchanged(str(lossy), three);
  }

  TEST_CASE("bad keys, bad text and other formats are refused") {
    const std::string png = sample_png();
    for (const char* key : {"", "1abc", "has space", "a:b", "caf\xC3\xA9"})
      CHECK(contains(error_of([&] { (void)embed_text_metadata(png, key, "t"); }), "invalid metadata key"));
    CHECK(contains(error_of([&] { (void)embed_text_metadata(png, std::string(80, 'k'), "t"); }), "invalid metadata key"));
    CHECK_NOTHROW((void)embed_text_metadata(png, std::string(79, 'k'), "t"));
    for (const std::string& text : {std::string("a\0b", 3), std::string("\x01"), std::string("\xC3"),
                                   std::string("\xC0\xAF"), std::string("\xED\xA0\x80"), std::string("\xF4\x90\x80\x80")})
      CHECK(contains(error_of([&] { (void)embed_text_metadata(png, "k", text); }), "not valid UTF-8"));
    CHECK(contains(error_of([] { (void)embed_text_metadata("GIF89a......", "k", "t"); }), "not a PNG, JPEG or WebP"));
    CHECK(contains(error_of([] { (void)embed_text_metadata("", "k", "t"); }), "empty"));
    CHECK_FALSE(read_text_metadata(png, "").has_value());
  }

  TEST_CASE("hostile: truncated files, huge lengths and broken layouts never read out of bounds") {
    const std::string files[] = {embed_text_metadata(sample_png(), "k", "hello"),
                                 embed_text_metadata(sample_jpeg(), "k", "hello"),
                                 embed_text_metadata(str(test::webp_encode(test::synthetic_photo(9, 9),
                                                                           WebpKind::lossless_rgb)), "k", "hello")};
    for (const std::string& f : files) {
      // Every prefix (run under ASan in the sanitizer build): embed either
      // refuses with a message or succeeds, read gives the text or nothing.
      for (std::size_t n = 0; n < f.size(); ++n) {
        const std::string cut = f.substr(0, n);
        CAPTURE(n);
        const std::string m = error_of([&] { (void)embed_text_metadata(cut, "k", "again"); });
        const auto r = read_text_metadata(cut, "k");
        CHECK((!r || *r == "hello"));
        CHECK((m == "(no error)" || contains(m, "not") || contains(m, "empty")));
      }
    }
    // PNG: a chunk length of 0xFFFFFFF0.
    std::string png = sample_png();
    png[33] = png[34] = png[35] = '\xFF';
    png[36] = '\xF0';
    CHECK(contains(error_of([&] { (void)embed_text_metadata(png, "k", "t"); }), "not a valid PNG"));
    CHECK_FALSE(read_text_metadata(png, "k").has_value());
    // PNG without IEND, and with a first chunk that is not IHDR.
    const std::string full = sample_png();
    CHECK(contains(error_of([&] { (void)embed_text_metadata(full.substr(0, full.size() - 12), "k", "t"); }), "no IEND"));
    std::string not_ihdr = full;
    not_ihdr[12] = 'X';
    CHECK(contains(error_of([&] { (void)embed_text_metadata(not_ihdr, "k", "t"); }), "not IHDR"));
    // JPEG: segment lengths beyond the end and below 2; no SOS.
    std::string jpeg = sample_jpeg();
    jpeg[4] = '\xFF';
    jpeg[5] = '\xFF';
    CHECK(contains(error_of([&] { (void)embed_text_metadata(jpeg.substr(0, 60), "k", "t"); }), "runs past the end"));
    jpeg[4] = 0;
    jpeg[5] = 1;
    CHECK(contains(error_of([&] { (void)embed_text_metadata(jpeg, "k", "t"); }), "invalid length"));
    CHECK(contains(error_of([&] { (void)embed_text_metadata(std::string("\xFF\xD8\xFF\xD9", 4), "k", "t"); }),
                   "unexpected marker"));
    // WebP: RIFF size past the end, a chunk length of 0xFFFFFFF0, and a
    // foreign XMP packet that is not RDF.
    std::string webp = files[2];
    std::string riff = webp;
    riff[7] = '\x7F';
    CHECK(contains(error_of([&] { (void)embed_text_metadata(riff, "k", "t"); }), "RIFF size"));
    CHECK_FALSE(read_text_metadata(riff, "k").has_value());
    std::string chunk = webp;
    chunk[16] = chunk[17] = chunk[18] = '\xFF';
    chunk[19] = '\xF0';
    CHECK(contains(error_of([&] { (void)embed_text_metadata(chunk, "k", "t"); }), "runs past the end"));
    const std::size_t xmp = webp.find("XMP ");
    REQUIRE(xmp != std::string::npos);
    std::string foreign = webp;
    foreign.replace(foreign.find("</rdf:RDF>"), 10, "</rdf:XYZ>");
    CHECK(contains(error_of([&] { (void)embed_text_metadata(foreign, "other", "t"); }), "not an RDF packet"));
  }
}
