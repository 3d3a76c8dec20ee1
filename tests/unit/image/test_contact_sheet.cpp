#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "image/font5x7.hpp"
#include "photoagent/image/contact_sheet.hpp"
#include "photoagent/image/decode.hpp"
#include "photoagent/image/encode.hpp"
#include "webp_test_util.hpp"

using namespace photoagent::image;
using photoagent::image::test::Bytes;
using photoagent::image::test::contains;
using photoagent::image::test::error_of;
namespace fs = std::filesystem;

namespace {

RgbImage solid(std::uint32_t w, std::uint32_t h, unsigned char r, unsigned char g, unsigned char b) {
  RgbImage img = RgbImage::allocate(w, h);
  for (std::uint32_t y = 0; y < h; ++y)
    for (std::uint32_t x = 0; x < w; ++x) {
      unsigned char* p = img.row(y) + 3 * x;
      p[0] = r;
      p[1] = g;
      p[2] = b;
    }
  return img;
}

// Distinct colours, alternating landscape, portrait and square pictures.
std::vector<RgbImage> pictures(std::size_t n) {
  std::vector<RgbImage> v;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t w = i % 3 == 0 ? 60 : i % 3 == 1 ? 20 : 33, h = i % 3 == 0 ? 30 : i % 3 == 1 ? 50 : 33;
    v.push_back(solid(w, h, static_cast<unsigned char>(20 * i), static_cast<unsigned char>(250 - 20 * i), 77));
  }
  return v;
}

bool near(const unsigned char* p, int r, int g, int b, int tol = 1) {
  return std::abs(p[0] - r) <= tol && std::abs(p[1] - g) <= tol && std::abs(p[2] - b) <= tol;
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("pa-sheet-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

void write(const fs::path& p, const Bytes& b) {
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}

}  // namespace

TEST_SUITE("image::contact_sheet") {
  TEST_CASE("geometry for 1, 4, 5 and 9 pictures") {
    struct Case {
      std::size_t n;
      std::uint32_t cols, rows, w, h;
    };
    for (const Case c : {Case{1, 1, 1, 272, 272}, Case{4, 2, 2, 536, 536}, Case{5, 3, 2, 800, 536},
                         Case{9, 3, 3, 800, 800}}) {
      CAPTURE(c.n);
      const ContactSheetLayout l = contact_sheet_layout(c.n);
      CHECK(l.columns == c.cols);
      CHECK(l.rows == c.rows);
      CHECK(l.width == c.w);
      CHECK(l.height == c.h);
      ContactSheetOptions small;
      small.cell = 40;
      small.gap = 4;
      const RgbImage sheet = contact_sheet(pictures(c.n), small);
      const ContactSheetLayout sl = contact_sheet_layout(c.n, small);
      CHECK(sheet.width == sl.width);
      CHECK(sheet.height == sl.height);
      CHECK(sheet.width == c.cols * 40 + (c.cols + 1) * 4);
      // Each picture's colour at its cell's centre; white in the gaps and,
      // for non-square pictures, beside the picture inside the cell.
      for (std::size_t i = 0; i < c.n; ++i) {
        CAPTURE(i);
        const std::uint32_t x = sl.cell_x(i), y = sl.cell_y(i);
        CHECK(near(test::pixel(sheet, x + 20, y + 20), int(20 * i), int(250 - 20 * i), 77));
        CHECK(near(test::pixel(sheet, x - 1, y - 1), 255, 255, 255, 0));
        if (i % 3 == 0) CHECK(near(test::pixel(sheet, x + 20, y + 2), 255, 255, 255, 0));  // 60x30 -> 40x20, centred
        if (i % 3 == 1) CHECK(near(test::pixel(sheet, x + 2, y + 20), 255, 255, 255, 0));  // 20x50 -> 16x40
      }
      CHECK(near(test::pixel(sheet, sheet.width - 1, sheet.height - 1), 255, 255, 255, 0));
    }
  }

  TEST_CASE("a picture already at its fitted size is copied exactly; fit_in_cell") {
    CHECK(fit_in_cell(60, 30, 40) == Size{40, 20});
    CHECK(fit_in_cell(20, 50, 40) == Size{16, 40});
    CHECK(fit_in_cell(1000, 1, 40) == Size{40, 1});
    CHECK(fit_in_cell(10, 10, 40) == Size{40, 40});  // small pictures are scaled up
    const RgbImage photo = test::synthetic_photo(40, 24, 9, 20);
    ContactSheetOptions o;
    o.cell = 40;
    o.gap = 3;
    std::vector<RgbImage> one;
    one.push_back(test::synthetic_photo(40, 24, 9, 20));
    const RgbImage sheet = contact_sheet(one, o);
    for (std::uint32_t y = 0; y < 24; ++y)
      for (std::uint32_t x = 0; x < 40; ++x)
        REQUIRE(std::equal(test::pixel(photo, x, y), test::pixel(photo, x, y) + 3, test::pixel(sheet, 3 + x, 3 + 8 + y)));
  }

  TEST_CASE("columns, captions, max_side and errors") {
    ContactSheetOptions o;
    o.cell = 40;
    o.gap = 4;
    o.columns = 5;
    CHECK(contact_sheet_layout(3, o).columns == 3);  // never more columns than pictures
    o.columns = 0;
    o.captions = {"seed 42", "", "A VERY LONG CAPTION THAT CANNOT FIT"};
    const ContactSheetLayout l = contact_sheet_layout(3, o);
    CHECK(l.caption_height == 22);
    CHECK(l.height == 2 * (40 + 22) + 3 * 4);
    const RgbImage sheet = contact_sheet(pictures(3), o);
    auto ink = [&](std::size_t i) {
      int dark = 0;
      for (std::uint32_t y = l.cell_y(i) + 40; y < l.cell_y(i) + 40 + 22; ++y)
        for (std::uint32_t x = l.cell_x(i); x < l.cell_x(i) + 40; ++x) dark += test::pixel(sheet, x, y)[0] < 128;
      return dark;
    };
    CHECK(ink(0) > 20);
    CHECK(ink(1) == 0);
    CHECK(ink(2) > 20);
    ContactSheetOptions capped;
    capped.max_side = 1000;
    const ContactSheetLayout big = contact_sheet_layout(100, capped);
    CHECK(big.width <= 1000);
    CHECK(big.height <= 1000);
    CHECK(big.cell == (1000 - 11 * 8) / 10);
    CHECK(contains(error_of([] { (void)contact_sheet({}); }), "at least one picture"));
    CHECK(contains(error_of([&] { (void)contact_sheet_layout(100000, capped); }),
                   "do not fit"));
    std::vector<RgbImage> with_empty;
    with_empty.emplace_back();
    CHECK(contains(error_of([&] { (void)contact_sheet(with_empty); }), "picture 1 is empty"));
  }

  TEST_CASE("the caption font: upper case for lower case, '?' for the rest") {
    using photoagent::image::detail::glyph;
    using photoagent::image::detail::to_glyphs;
    CHECK(glyph('a') == glyph('A'));
    CHECK(glyph('~') == glyph('?'));
    CHECK(glyph('0') != glyph('O'));
    CHECK(to_glyphs("caf\xC3\xA9\t1") == "caf? 1");
  }

  TEST_CASE("PNG encoding round trips exactly") {
    const RgbImage img = test::synthetic_photo(37, 19, 4, 30);
    const std::vector<unsigned char> png = encode_png(img);
    const RgbImage back = decode(png, Limits{});
    CHECK(test::mean_abs_diff(img, back) == 0.0);
    CHECK(contains(error_of([] { (void)encode_png(RgbImage{}); }), "empty"));
  }

  TEST_CASE("from files: PNG, JPEG and WebP in, .png or .jpg out") {
    TempDir dir;
    write(dir.path / "a.png", test::make_png(test::PngSpec{2, 1, 8, 2, {200, 0, 0, 200, 0, 0}, {}, {}}));
    const RgbImage green = solid(64, 32, 0, 200, 0);
    write(dir.path / "b.jpg", test::encode_rgb(green));
    write(dir.path / "c.webp", test::webp_encode(solid(20, 40, 0, 0, 200), test::WebpKind::lossless_rgb));
    const std::vector<fs::path> in = {dir.path / "a.png", dir.path / "b.jpg", dir.path / "c.webp"};
    ContactSheetOptions o;
    o.cell = 48;
    for (const char* name : {"sheet.png", "sheet.JPG"}) {
      CAPTURE(name);
      const ContactSheetLayout l = write_contact_sheet(in, dir.path / name, o);
      const std::string file = (dir.path / name).string();
      const RgbImage sheet = decode(test::read_file(file), Limits{});
      CHECK(sheet.width == l.width);
      CHECK(sheet.height == l.height);
      const int tol = name[6] == 'p' ? 0 : 12;  // JPEG is lossy
      CHECK(near(test::pixel(sheet, l.cell_x(0) + 24, l.cell_y(0) + 24), 200, 0, 0, tol));
      CHECK(near(test::pixel(sheet, l.cell_x(1) + 24, l.cell_y(1) + 24), 0, 200, 0, tol));
      CHECK(near(test::pixel(sheet, l.cell_x(2) + 24, l.cell_y(2) + 24), 0, 0, 200, tol));
    }
    const std::string bad_ext = error_of([&] { (void)write_contact_sheet({dir.path / "missing.png"}, dir.path / "s.gif"); });
    CHECK(contains(bad_ext, "must end in .jpg or .png"));
    write(dir.path / "broken.webp", Bytes{'R', 'I', 'F', 'F', 4, 0, 0, 0, 'W', 'E', 'B', 'P'});
    const std::string broken = error_of([&] { (void)write_contact_sheet({dir.path / "broken.webp"}, dir.path / "s.png"); });
    CHECK(contains(broken, "broken.webp: not a valid WebP"));
    CHECK_FALSE(fs::exists(dir.path / "s.png"));
  }
}
