// upload through the real binary: orientation, alpha, hostile files, dedupe, concurrency.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <set>
#include <thread>

#include "harness.hpp"
#include "pictures.hpp"

using e2e::FakeCloud;
using e2e::Sandbox;
namespace fs = std::filesystem;

namespace {

const fs::path kExif = fs::path(PA_TESTDATA_DIR) / "exif-orientation";

std::set<std::string> stored_files(const fs::path& data) {
  std::set<std::string> out;
  if (!fs::exists(data)) return out;
  for (const auto& e : fs::recursive_directory_iterator(data))
    if (e.is_regular_file()) out.insert(fs::relative(e.path(), data).string());
  return out;
}

std::set<std::string> image_files(const fs::path& data) {
  std::set<std::string> out;
  for (const auto& f : stored_files(data))
    if (f.rfind("images/", 0) == 0) out.insert(f);
  return out;
}

nlohmann::json images_of(const Sandbox& box, const std::string& project) {
  auto r = box.run({"project", "images", project, "--json"});
  REQUIRE(r.code == 0);
  return r.json();
}

std::string patch_jpeg_size(std::string jpeg, int w, int h) {
  for (std::size_t i = 2; i + 8 < jpeg.size(); ++i) {
    if (static_cast<unsigned char>(jpeg[i]) == 0xFF && static_cast<unsigned char>(jpeg[i + 1]) == 0xC0) {
      jpeg[i + 5] = static_cast<char>(h >> 8), jpeg[i + 6] = static_cast<char>(h & 255);
      jpeg[i + 7] = static_cast<char>(w >> 8), jpeg[i + 8] = static_cast<char>(w & 255);
      return jpeg;
    }
  }
  FAIL("no SOF0 in the test JPEG");
  return jpeg;
}

std::string patch_png_ihdr(std::string png, std::uint32_t w, std::uint32_t h, int depth = -1, int color = -1) {
  for (int i = 0; i < 4; ++i) {
    png[16 + i] = static_cast<char>(w >> (24 - 8 * i));
    png[20 + i] = static_cast<char>(h >> (24 - 8 * i));
  }
  if (depth >= 0) png[24] = static_cast<char>(depth);
  if (color >= 0) png[25] = static_cast<char>(color);
  return png;
}

}  // namespace

TEST_SUITE("e2e::upload") {
  TEST_CASE("every EXIF orientation is stored upright and looks like orientation 0") {
    FakeCloud cloud;
    Sandbox box(cloud);
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    // Full size, so the comparison is against the untouched originals' geometry.
    auto r = box.run({"upload", "ada", kExif.string(), "--max-side", "1800", "--json"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto added = r.json()["added"];
    REQUIRE(added.size() == 18);
    std::map<std::string, e2e::Pixels> stored;
    for (const auto& a : added) {
      auto name = fs::path(a["file"].get<std::string>()).filename().string();
      stored[name] = e2e::decode_jpeg_file(a["path"].get<std::string>());
    }
    for (const char* kind : {"Landscape", "Portrait"}) {
      const auto& ref = stored[std::string(kind) + "_0.jpg"];
      CHECK(ref.width == (kind[0] == 'L' ? 1800 : 1200));
      CHECK(ref.height == (kind[0] == 'L' ? 1200 : 1800));
      for (int n = 1; n <= 8; ++n) {
        const auto name = std::string(kind) + "_" + std::to_string(n) + ".jpg";
        const auto& img = stored[name];
        CAPTURE(name);
        CHECK(img.width == ref.width);
        CHECK(img.height == ref.height);
        // Same picture, re-encoded: small differences only. A wrong rotation
        // or flip of this photo gives a difference of 40 or more.
        CHECK(e2e::mean_abs_diff(img, ref) < 6.0);
      }
    }
  }

  TEST_CASE("RGBA, grey and 16-bit PNGs become RGB JPEGs, alpha flattened on white") {
    FakeCloud cloud;
    Sandbox box(cloud);
    e2e::TempDir in;
    REQUIRE(box.run({"project", "create", "mug", "--kind", "product"}).code == 0);
    e2e::write_file(in.path() / "rgba.png", e2e::encode_png(e2e::pattern(64, 48, 4)));
    e2e::write_file(in.path() / "grey.png", e2e::encode_png(e2e::pattern(64, 48, 1)));
    auto r = box.run({"upload", "mug", (in.path() / "rgba.png").string(), (in.path() / "grey.png").string(), "--json"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto added = r.json()["added"];
    REQUIRE(added.size() == 2);
    auto rgba = e2e::decode_jpeg_file(added[0]["path"].get<std::string>());
    CHECK(rgba.width == 64);
    CHECK(rgba.height == 48);
    // Left half was fully transparent: it must be white, not black.
    const auto* px = &rgba.data[static_cast<std::size_t>((24 * 64 + 5) * 3)];
    CHECK(px[0] > 240);
    CHECK(px[1] > 240);
    CHECK(px[2] > 240);
  }

  TEST_CASE("a hostile corpus is refused file by file and leaves the cache unchanged") {
    FakeCloud cloud;
    Sandbox box(cloud);
    e2e::TempDir in;
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    const auto good_jpeg = e2e::encode_jpeg(e2e::pattern(96, 64, 3));
    const auto good_png = e2e::encode_png(e2e::pattern(32, 32, 3));
    e2e::write_file(in.path() / "good.jpg", good_jpeg);
    REQUIRE(box.run({"upload", "ada", (in.path() / "good.jpg").string()}).code == 0);
    const auto files_before = stored_files(box.data_dir());
    const auto rows_before = images_of(box, "ada").size();

    std::map<std::string, std::string> corpus{
        {"empty.jpg", ""},
        {"text.jpg", "this is not a picture\n"},
        {"soi-only.jpg", "\xFF\xD8"},
        {"soi-eoi.jpg", std::string("\xFF\xD8\xFF\xD9", 4)},
        {"jpeg-head-100.jpg", good_jpeg.substr(0, 100)},
        {"jpeg-half.jpg", good_jpeg.substr(0, good_jpeg.size() / 2)},
        {"jpeg-no-eoi.jpg", good_jpeg.substr(0, good_jpeg.size() - 40)},
        {"jpeg-huge.jpg", patch_jpeg_size(good_jpeg, 30000, 30000)},
        {"jpeg-wide.jpg", patch_jpeg_size(good_jpeg, 25000, 10)},
        {"jpeg-zero.jpg", patch_jpeg_size(good_jpeg, 0, 0)},
        {"jpeg-garbage.jpg", std::string("\xFF\xD8\xFF", 3) + std::string(3000, '\x5A')},
        {"png-sig-only.png", good_png.substr(0, 8)},
        {"png-truncated.png", good_png.substr(0, good_png.size() / 2)},
        {"png-huge.png", patch_png_ihdr(good_png, 100000, 100000)},
        {"png-wide.png", patch_png_ihdr(good_png, 30000, 2)},
        {"png-zero.png", patch_png_ihdr(good_png, 0, 32)},
        {"png-bad-depth.png", patch_png_ihdr(good_png, 32, 32, 3)},
        {"png-bad-color.png", patch_png_ihdr(good_png, 32, 32, -1, 7)},
        {"png-no-idat.png", good_png.substr(0, 33) + std::string("\0\0\0\0IEND\xAE\x42\x60\x82", 12)},
        {"png-bad-idat.png", good_png.substr(0, 33) + std::string("\0\0\0\x10IDAT", 8) + std::string(16, '\x77') +
                                 std::string("\0\0\0\0\0\0\0\0IEND\xAE\x42\x60\x82", 16)},
        {"gif.gif", "GIF89a\x01\x00\x01\x00\x00\x00\x00;"},
        {"bmp.bmp", "BM" + std::string(60, '\0')},
        {"tiff-le.tif", std::string("II*\0", 4) + std::string(60, '\0')},
        {"tiff-be.tiff", std::string("MM\0*", 4) + std::string(60, '\0')},
        {"webp.webp", std::string("RIFF\x24\0\0\0WEBPVP8 ", 16) + std::string(40, '\0')},
        {"photo.heic", std::string("\0\0\0\x18" "ftypheic\0\0\0\0mif1heic", 24) + std::string(40, '\0')},
        {"photo.avif", std::string("\0\0\0\x1C" "ftypavif\0\0\0\0avifmif1miaf", 28) + std::string(40, '\0')},
        {"archive.jpg", std::string("PK\x03\x04", 4) + std::string(60, '\0')},
        {"doc.jpg", "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"},
        {"vector.png", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"},
        {"png-huge-chunk.png", good_png.substr(0, 8) + std::string("\xFF\xFF\xFF\xF0IHDR", 8) + std::string(20, '\0')},
    };
    std::vector<std::string> args{"upload", "ada", "--json"};
    for (const auto& [name, bytes] : corpus) {
      e2e::write_file(in.path() / name, bytes);
      args.push_back((in.path() / name).string());
    }
    // Over the 50 MB file limit (sparse: costs no disk).
    {
      e2e::write_file(in.path() / "big.jpg", good_jpeg);
      REQUIRE(truncate((in.path() / "big.jpg").c_str(), 60'000'000) == 0);
      args.push_back((in.path() / "big.jpg").string());
    }
    // Not a regular file, a dangling link, a missing path, a folder that links to itself.
    REQUIRE(mkfifo((in.path() / "pipe.jpg").c_str(), 0600) == 0);
    args.push_back((in.path() / "pipe.jpg").string());
    fs::create_symlink(in.path() / "nowhere.jpg", in.path() / "dangling.jpg");
    args.push_back((in.path() / "dangling.jpg").string());
    args.push_back((in.path() / "missing.jpg").string());
    fs::create_directories(in.path() / "loop");
    fs::create_directory_symlink(in.path() / "loop", in.path() / "loop" / "again");
    args.push_back((in.path() / "loop").string());
    const std::size_t expected = corpus.size() + 5;
    REQUIRE(expected >= 30);

    auto r = box.run(args, "", {}, 120);
    CHECK(r.code == 1);  // every file failed
    auto doc = r.json();
    CHECK(doc["added"].empty());
    CHECK(doc["failed"].size() == expected);
    std::set<std::string> named;
    for (const auto& f : doc["failed"]) {
      named.insert(fs::path(f["file"].get<std::string>()).filename().string());
      CHECK_FALSE(f["error"].get<std::string>().empty());
    }
    for (const auto& [name, bytes] : corpus) CHECK_MESSAGE(named.count(name) == 1, name);
    // The right reasons for a few that users will meet.
    auto reason = [&](const std::string& name) {
      for (const auto& f : doc["failed"])
        if (fs::path(f["file"].get<std::string>()).filename() == name) return f["error"].get<std::string>();
      return std::string();
    };
    CHECK(reason("photo.heic").find("convert") != std::string::npos);
    CHECK(reason("webp.webp").find("convert") != std::string::npos);
    CHECK(reason("jpeg-huge.jpg").find("30000") != std::string::npos);
    CHECK(reason("big.jpg").find("50") != std::string::npos);
    CHECK(reason("empty.jpg").find("empty") != std::string::npos);
    CHECK(reason("again").find("loop") != std::string::npos);  // loop/again -> loop

    // Nothing of any failed file is left: rows, stored images, temp files.
    CHECK(images_of(box, "ada").size() == rows_before);
    std::set<std::string> after_images = image_files(box.data_dir()), before_images;
    for (const auto& f : files_before)
      if (f.rfind("images/", 0) == 0) before_images.insert(f);
    CHECK(after_images == before_images);
    for (const auto& f : stored_files(box.data_dir())) CHECK_MESSAGE(f.find(".tmp-") == std::string::npos, f);

    // The human output names each file once, on stderr.
    auto plain = box.run({"upload", "ada", (in.path() / "text.jpg").string(), (in.path() / "good.jpg").string()});
    CHECK(plain.code == 6);  // one failed, one skipped as a duplicate
    CHECK(plain.err.find("text.jpg") != std::string::npos);
    CHECK(plain.err.find("already in ada") != std::string::npos);
  }

  TEST_CASE("the same photo twice adds nothing and says so; sidecar captions and options are kept") {
    FakeCloud cloud;
    Sandbox box(cloud);
    e2e::TempDir in;
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    e2e::write_file(in.path() / "a.jpg", e2e::encode_jpeg(e2e::pattern(80, 60, 3, 1)));
    e2e::write_file(in.path() / "a.txt", "TOK_ADA smiling in a garden\n");
    e2e::write_file(in.path() / "b.jpg", e2e::encode_jpeg(e2e::pattern(80, 60, 3, 2)));
    e2e::write_file(in.path() / ".hidden.jpg", e2e::encode_jpeg(e2e::pattern(80, 60, 3, 3)));
    auto first = box.run({"upload", "ada", in.path().string(), "--category", "headshot", "--tags", "Garden, sun,garden",
                          "--json"});
    REQUIRE_MESSAGE(first.code == 0, first.err);
    auto added = first.json()["added"];
    REQUIRE(added.size() == 2);  // the hidden file is skipped
    CHECK(added[0]["caption"] == "TOK_ADA smiling in a garden");
    CHECK(added[1]["caption"] == "");
    CHECK(added[0]["category"] == "headshot");
    CHECK(added[0]["tags"] == nlohmann::json::array({"garden", "sun"}));
    auto again = box.run({"upload", "ada", in.path().string(), "--json"});
    CHECK(again.code == 0);
    CHECK(again.json()["added"].empty());
    CHECK(again.json()["skipped"].size() == 2);
    CHECK(again.json()["images"] == 2);
    CHECK(box.run({"upload", "ada", in.path().string(), "--category", "selfie"}).code == 2);

    // Edit and remove.
    const auto id = std::to_string(added[1]["id"].get<int>());
    auto edit = box.run({"project", "image", "edit", id, "--caption", "TOK_ADA laughing", "--category", "candid",
                         "--tags", "joy", "--json"});
    REQUIRE(edit.code == 0);
    CHECK(edit.json()["caption"] == "TOK_ADA laughing");
    CHECK(edit.json()["category"] == "candid");
    CHECK(box.run({"project", "image", "edit", id, "--category", "nope"}).code == 2);
    std::string path;
    for (const auto& row : images_of(box, "ada"))
      if (std::to_string(row["id"].get<int>()) == id) path = row["path"].get<std::string>();
    REQUIRE(fs::exists(path));
    CHECK(box.run({"project", "image", "rm", id}).code == 0);
    CHECK_FALSE(fs::exists(path));
    CHECK(images_of(box, "ada").size() == 1);
    CHECK(box.run({"project", "image", "rm", id}).code == 3);
  }

  TEST_CASE("the positional project rule, -p, and the default project") {
    FakeCloud cloud;
    Sandbox box(cloud);
    e2e::TempDir in;
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    REQUIRE(box.run({"project", "create", "bob", "--kind", "person"}).code == 0);
    e2e::write_file(in.path() / "x.jpg", e2e::encode_jpeg(e2e::pattern(40, 40, 3)));
    CHECK(box.run({"upload", "bob", (in.path() / "x.jpg").string(), "--json"}).json()["project"] == "bob");
    CHECK(box.run({"upload", (in.path() / "x.jpg").string(), "--json"}).json()["project"] == "ada");  // default
    CHECK(box.run({"upload", "-p", "bob", (in.path() / "x.jpg").string(), "--json"}).json()["skipped"].size() == 1);
    CHECK(box.run({"upload", "zed", (in.path() / "x.jpg").string()}).code == 6);  // 'zed' is a missing path
  }

  TEST_CASE("Ctrl-C stops an upload cleanly: no partial rows, no temp files; running again finishes") {
    FakeCloud cloud;
    Sandbox box(cloud);
    e2e::TempDir in;
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    for (unsigned i = 0; i < 60; ++i)
      e2e::write_file(in.path() / ("p" + std::to_string(100 + i) + ".jpg"), e2e::encode_jpeg(e2e::pattern(2400, 1800, 3, i)));
    auto r = box.run_and_signal({"upload", "ada", in.path().string(), "--jobs", "1", "--json"}, SIGINT, 400);
    CHECK(r.code == 130);
    const auto rows = images_of(box, "ada");
    CAPTURE(rows.size());
    CHECK(rows.size() < 60);  // it really stopped early
    // Every row has its file and every stored file has its row.
    std::set<std::string> row_files;
    for (const auto& row : rows) row_files.insert(fs::relative(row["path"].get<std::string>(), box.data_dir()).string());
    CHECK(row_files == image_files(box.data_dir()));
    for (const auto& f : stored_files(box.data_dir())) CHECK_MESSAGE(f.find(".tmp-") == std::string::npos, f);

    auto again = box.run({"upload", "ada", in.path().string(), "--json"}, "", {}, 120);
    CHECK(again.code == 0);
    CHECK(again.json()["added"].size() + rows.size() == 60);
    CHECK(images_of(box, "ada").size() == 60);
  }

  TEST_CASE("two processes uploading 40 files into one project lose nothing") {
    FakeCloud cloud;
    Sandbox box(cloud);
    e2e::TempDir in;
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    fs::create_directories(in.path() / "a");
    fs::create_directories(in.path() / "b");
    for (unsigned i = 0; i < 40; ++i) {
      auto dir = in.path() / (i % 2 ? "a" : "b");
      e2e::write_file(dir / ("p" + std::to_string(i) + ".jpg"), e2e::encode_jpeg(e2e::pattern(200, 150, 3, i)));
    }
    // Each process gets its own half plus the other half too, so they race on the same files.
    e2e::Result r1, r2;
    std::thread t1([&] { r1 = box.run({"upload", "ada", (in.path() / "a").string(), (in.path() / "b").string(), "--json"}); });
    std::thread t2([&] { r2 = box.run({"upload", "ada", (in.path() / "b").string(), (in.path() / "a").string(), "--json"}); });
    t1.join();
    t2.join();
    REQUIRE_MESSAGE(r1.code == 0, r1.err);
    REQUIRE_MESSAGE(r2.code == 0, r2.err);
    CHECK(r1.json()["added"].size() + r2.json()["added"].size() == 40);
    auto rows = images_of(box, "ada");
    CHECK(rows.size() == 40);
    std::set<std::string> shas;
    for (const auto& row : rows) {
      shas.insert(row["sha256"].get<std::string>());
      CHECK(fs::exists(row["path"].get<std::string>()));
    }
    CHECK(shas.size() == 40);
  }
}
