#include <doctest/doctest.h>

#include <random>

#include "image_test_util.hpp"
#include "photoagent/image/exif.hpp"

using namespace photoagent::image;
using photoagent::image::test::Bytes;

namespace {

struct Entry {
  std::uint16_t tag, type;
  std::uint32_t count;
  std::uint32_t value;  // inline value, left-justified as in the file
};

void put16(Bytes& b, bool le, std::uint32_t v) {
  if (le) {
    b.push_back(std::uint8_t(v));
    b.push_back(std::uint8_t(v >> 8));
  } else {
    b.push_back(std::uint8_t(v >> 8));
    b.push_back(std::uint8_t(v));
  }
}
void put32(Bytes& b, bool le, std::uint32_t v) {
  if (le) {
    put16(b, le, v & 0xffff);
    put16(b, le, v >> 16);
  } else {
    put16(b, le, v >> 16);
    put16(b, le, v & 0xffff);
  }
}

// TIFF blob with IFD0 at offset 8 holding `ifd0`, optionally an IFD1.
Bytes tiff(bool le, const std::vector<Entry>& ifd0, const std::vector<Entry>& ifd1 = {}) {
  Bytes b;
  b.push_back(le ? 'I' : 'M');
  b.push_back(le ? 'I' : 'M');
  put16(b, le, 42);
  put32(b, le, 8);
  auto put_ifd = [&](const std::vector<Entry>& es, std::uint32_t next) {
    put16(b, le, std::uint32_t(es.size()));
    for (const Entry& e : es) {
      put16(b, le, e.tag);
      put16(b, le, e.type);
      put32(b, le, e.count);
      if (e.type == 3) {  // SHORT: value in the first 2 bytes
        put16(b, le, e.value);
        put16(b, le, 0);
      } else {
        put32(b, le, e.value);
      }
    }
    put32(b, le, next);
  };
  const std::uint32_t ifd1_off = ifd1.empty() ? 0 : std::uint32_t(8 + 2 + 12 * ifd0.size() + 4);
  put_ifd(ifd0, ifd1_off);
  if (!ifd1.empty()) put_ifd(ifd1, 0);
  return b;
}

Bytes segment(unsigned char marker, const Bytes& payload) {
  Bytes s{0xFF, marker};
  const std::size_t len = payload.size() + 2;
  s.push_back(std::uint8_t(len >> 8));
  s.push_back(std::uint8_t(len));
  for (unsigned char c : payload) s.push_back(c);  // (insert() of an empty vector trips gcc 12's -Wstringop-overread)
  return s;
}

Bytes exif_app1(const Bytes& tiff_blob) {
  Bytes p{'E', 'x', 'i', 'f', 0, 0};
  p.insert(p.end(), tiff_blob.begin(), tiff_blob.end());
  return segment(0xE1, p);
}

// SOI + segments + a fake SOS/EOI tail.
Bytes jpeg_with(const std::vector<Bytes>& segments) {
  Bytes j{0xFF, 0xD8};
  for (const Bytes& s : segments) j.insert(j.end(), s.begin(), s.end());
  const Bytes tail{0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34, 0xFF, 0xD9};
  j.insert(j.end(), tail.begin(), tail.end());
  return j;
}

const Entry kMake{0x010F, 2, 6, 0};
Entry orientation(std::uint32_t v, std::uint16_t type = 3, std::uint32_t count = 1) { return {0x0112, type, count, v}; }

}  // namespace

TEST_SUITE("image::exif") {
  TEST_CASE("every orientation in both byte orders, in TIFF and in a JPEG") {
    for (bool le : {true, false}) {
      for (std::uint32_t v = 1; v <= 8; ++v) {
        CAPTURE(le);
        CAPTURE(v);
        const Bytes t = tiff(le, {kMake, orientation(v)});
        CHECK(tiff_exif_orientation(t) == int(v));
        CHECK(jpeg_exif_orientation(jpeg_with({exif_app1(t)})) == int(v));
      }
    }
  }

  TEST_CASE("JFIF APP0 and an XMP APP1 before the EXIF APP1 are skipped; fill bytes are allowed") {
    const Bytes app0 = segment(0xE0, Bytes{'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0});
    const std::string xmp_id = "http://ns.adobe.com/xap/1.0/";
    Bytes xmp_payload(xmp_id.begin(), xmp_id.end());
    xmp_payload.push_back(0);
    const Bytes xmp = segment(0xE1, xmp_payload);
    Bytes fill{0xFF, 0xFF, 0xFF};
    Bytes j = jpeg_with({app0, xmp, exif_app1(tiff(false, {orientation(6)}))});
    j.insert(j.begin() + 2, fill.begin(), fill.end());  // fill bytes right after SOI
    CHECK(jpeg_exif_orientation(j) == 6);
  }

  TEST_CASE("absent, invalid or misplaced orientation gives 1") {
    CHECK(jpeg_exif_orientation(jpeg_with({})) == 1);                                  // no EXIF
    CHECK(jpeg_exif_orientation(jpeg_with({exif_app1(tiff(true, {kMake}))})) == 1);    // no tag
    CHECK(tiff_exif_orientation(tiff(true, {orientation(0)})) == 1);                   // 0 (like Landscape_0)
    CHECK(tiff_exif_orientation(tiff(true, {orientation(9)})) == 1);
    CHECK(tiff_exif_orientation(tiff(true, {orientation(0xFFFF)})) == 1);
    CHECK(tiff_exif_orientation(tiff(true, {orientation(6, 3, 0)})) == 1);             // count 0
    CHECK(tiff_exif_orientation(tiff(true, {orientation(6, 2)})) == 1);                // ASCII type
    CHECK(tiff_exif_orientation(tiff(true, {orientation(6, 4)})) == 6);                // LONG tolerated
    CHECK(tiff_exif_orientation(tiff(false, {orientation(8, 4)})) == 8);
    // Only IFD1 (the thumbnail) carries an orientation: IFD0 says nothing.
    CHECK(tiff_exif_orientation(tiff(true, {kMake}, {orientation(6)})) == 1);
    // IFD0 wins over IFD1.
    CHECK(tiff_exif_orientation(tiff(true, {orientation(3)}, {orientation(6)})) == 3);
    // EXIF after SOS is not metadata.
    Bytes late{0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02};
    const Bytes app1 = exif_app1(tiff(true, {orientation(6)}));
    late.insert(late.end(), app1.begin(), app1.end());
    CHECK(jpeg_exif_orientation(late) == 1);
    // Not a JPEG / not TIFF.
    CHECK(jpeg_exif_orientation(Bytes{0x89, 'P', 'N', 'G'}) == 1);
    CHECK(jpeg_exif_orientation(Bytes{}) == 1);
    Bytes bad_magic = tiff(true, {orientation(6)});
    bad_magic[2] = 43;
    CHECK(tiff_exif_orientation(bad_magic) == 1);
    bad_magic = tiff(true, {orientation(6)});
    bad_magic[0] = 'X';
    CHECK(tiff_exif_orientation(bad_magic) == 1);
  }

  TEST_CASE("hostile: every truncation of a valid file is safe") {
    for (bool le : {true, false}) {
      const Bytes full = jpeg_with({exif_app1(tiff(le, {kMake, kMake, orientation(7)}))});
      REQUIRE(jpeg_exif_orientation(full) == 7);
      for (std::size_t n = 0; n < full.size(); ++n) {
        const int o = jpeg_exif_orientation(std::span(full.data(), n));
        // The tag sits in the last entry, so a cut before it loses it.
        CHECK((o == 1 || o == 7));
      }
      const Bytes t = tiff(le, {kMake, orientation(5)});
      for (std::size_t n = 0; n < t.size(); ++n) {
        const int o = tiff_exif_orientation(std::span(t.data(), n));
        CHECK(o == (n >= 8 + 2 + 24 ? 5 : 1));  // header + count + 2 entries needed
      }
    }
  }

  TEST_CASE("hostile: offsets past the end, huge counts, self-referencing IFDs, bad lengths") {
    for (bool le : {true, false}) {
      CAPTURE(le);
      Bytes t = tiff(le, {orientation(6)});
      // IFD0 offset past the end, at the very end, and the maximum value.
      for (std::uint32_t off : {std::uint32_t(t.size()), std::uint32_t(t.size() - 1), 0xFFFFFFFFu, 0u, 7u}) {
        Bytes h = t;
        Bytes o;
        put32(o, le, off);
        std::copy(o.begin(), o.end(), h.begin() + 4);
        CHECK(tiff_exif_orientation(h) == 1);
      }
      // Entry count 0xFFFF with one real entry: only what fits is scanned.
      Bytes huge = t;
      Bytes c;
      put16(c, le, 0xFFFF);
      std::copy(c.begin(), c.end(), huge.begin() + 8);
      CHECK(tiff_exif_orientation(huge) == 6);
      huge.resize(8 + 2 + 11);  // the entry no longer fits
      CHECK(tiff_exif_orientation(huge) == 1);
      // The next-IFD pointer of IFD0 points back at IFD0 (a loop for a naive
      // walker); and IFD0 at offset 8 pointing to itself with no orientation.
      Bytes loop = tiff(le, {kMake});
      Bytes self;
      put32(self, le, 8);
      std::copy(self.begin(), self.end(), loop.end() - 4);
      CHECK(tiff_exif_orientation(loop) == 1);
    }
    // JPEG segment lengths: past the end, below 2, exactly 2; Exif header cut short.
    Bytes j = jpeg_with({exif_app1(tiff(true, {orientation(6)}))});
    Bytes past = j;
    past[4] = 0xFF;
    past[5] = 0xFF;
    CHECK(jpeg_exif_orientation(past) == 1);
    for (unsigned char len : {0, 1}) {
      Bytes small = j;
      small[4] = 0;
      small[5] = len;
      CHECK(jpeg_exif_orientation(small) == 1);
    }
    Bytes empty_app1 = jpeg_with({segment(0xE1, {}), exif_app1(tiff(true, {orientation(2)}))});
    CHECK(jpeg_exif_orientation(empty_app1) == 2);
    CHECK(jpeg_exif_orientation(jpeg_with({segment(0xE1, Bytes{'E', 'x', 'i', 'f', 0, 0, 'I', 'I'})})) == 1);
    // A run of fill bytes to the end of the buffer, and restart markers.
    Bytes fills{0xFF, 0xD8};
    fills.insert(fills.end(), 10000, 0xFF);
    CHECK(jpeg_exif_orientation(fills) == 1);
    Bytes rst = jpeg_with({exif_app1(tiff(false, {orientation(4)}))});
    const Bytes markers{0xFF, 0xD0, 0xFF, 0x01};
    rst.insert(rst.begin() + 2, markers.begin(), markers.end());
    CHECK(jpeg_exif_orientation(rst) == 4);
    // Garbage where a marker should be.
    CHECK(jpeg_exif_orientation(Bytes{0xFF, 0xD8, 0x00, 0xE1, 0x00, 0x10}) == 1);
  }

  TEST_CASE("hostile: random blobs and random mutations never misbehave") {
    std::mt19937 rng(12345);
    std::uniform_int_distribution<int> byte(0, 255);
    const Bytes base = jpeg_with({exif_app1(tiff(false, {kMake, orientation(3)}, {orientation(6)}))});
    int changed = 0;
    for (int iter = 0; iter < 20000; ++iter) {
      Bytes b = base;
      const int edits = 1 + iter % 8;
      for (int e = 0; e < edits; ++e) b[std::size_t(rng()) % b.size()] = std::uint8_t(byte(rng));
      if (iter % 3 == 0) b.resize(std::size_t(rng()) % (b.size() + 1));
      const int o = jpeg_exif_orientation(b);
      REQUIRE(o >= 1);
      REQUIRE(o <= 8);
      changed += o != 3;
      Bytes r(std::size_t(rng()) % 64);
      for (auto& c : r) c = std::uint8_t(byte(rng));
      if (r.size() >= 2) r[0] = 'M', r[1] = 'M';
      const int t = tiff_exif_orientation(r);
      REQUIRE(t >= 1);
      REQUIRE(t <= 8);
    }
    CHECK(changed > 0);  // the mutations did reach the parser's decisions
  }

  TEST_CASE("the shared test photos carry orientation 0..8") {
    for (const char* kind : {"Landscape", "Portrait"}) {
      for (int n = 0; n <= 8; ++n) {
        const Bytes f = test::read_file(test::testdata("exif-orientation/" + std::string(kind) + "_" +
                                                       std::to_string(n) + ".jpg"));
        CAPTURE(kind);
        CAPTURE(n);
        CHECK(jpeg_exif_orientation(f) == (n == 0 ? 1 : n));
      }
    }
  }
}
