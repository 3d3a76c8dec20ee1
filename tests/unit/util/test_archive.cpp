#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <sys/resource.h>

#include <clocale>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "photoagent/util/archive.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "support.hpp"

using namespace photoagent::util;
namespace fs = std::filesystem;

namespace {

// Incompressible bytes, like a JPEG's entropy-coded data.
std::string random_bytes(std::size_t n, unsigned seed = 1) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(gen() & 0xff);
  return s;
}

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

// ---- hostile archives, built with libarchive's own writer -----------------

enum class Fmt { tar, tar_gz, zip };
enum class Kind { file, dir, symlink, hardlink };

struct Item {
  Item(std::string n, std::string c = {}, Kind k = Kind::file, std::string t = {})
      : name(std::move(n)), content(std::move(c)), kind(k), target(std::move(t)) {}
  std::string name;
  std::string content;
  Kind kind;
  std::string target;  // for links
};

void make_archive(const fs::path& path, Fmt fmt, const std::vector<Item>& items) {
  std::unique_ptr<struct archive, decltype(&archive_write_free)> a(archive_write_new(), archive_write_free);
  REQUIRE(a);
  REQUIRE(archive_write_set_format(a.get(), fmt == Fmt::zip ? ARCHIVE_FORMAT_ZIP : ARCHIVE_FORMAT_TAR_PAX_RESTRICTED) ==
          ARCHIVE_OK);
  if (fmt == Fmt::tar_gz) REQUIRE(archive_write_add_filter_gzip(a.get()) == ARCHIVE_OK);
  REQUIRE(archive_write_open_filename(a.get(), path.c_str()) == ARCHIVE_OK);
  for (const auto& it : items) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), it.name.c_str());
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_mtime(e.get(), 1700000000, 0);
    switch (it.kind) {
      case Kind::file:
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_size(e.get(), static_cast<la_int64_t>(it.content.size()));
        break;
      case Kind::dir:
        archive_entry_set_filetype(e.get(), AE_IFDIR);
        archive_entry_set_perm(e.get(), 0755);
        break;
      case Kind::symlink:
        archive_entry_set_filetype(e.get(), AE_IFLNK);
        archive_entry_set_symlink(e.get(), it.target.c_str());
        break;
      case Kind::hardlink:
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_hardlink(e.get(), it.target.c_str());
        archive_entry_set_size(e.get(), 0);
        break;
    }
    REQUIRE_MESSAGE(archive_write_header(a.get(), e.get()) == ARCHIVE_OK, it.name);
    if (!it.content.empty())
      REQUIRE(archive_write_data(a.get(), it.content.data(), it.content.size()) ==
              static_cast<la_ssize_t>(it.content.size()));
  }
  REQUIRE(archive_write_close(a.get()) == ARCHIVE_OK);
}

// The trainer's weights tar (replicate.md §7.4), with `lora` as the weights.
std::vector<Item> trainer_layout(const std::string& lora) {
  return {
      {"output/", "", Kind::dir, ""},
      {"output/flux_train_replicate/", "", Kind::dir, ""},
      {"output/flux_train_replicate/config.yaml", "job: extension\n", Kind::file, ""},
      {"output/flux_train_replicate/lora.safetensors", lora, Kind::file, ""},
      {"output/flux_train_replicate/captions/", "", Kind::dir, ""},
      {"output/flux_train_replicate/captions/0001.txt", "a photo of TOK", Kind::file, ""},
  };
}

// ---- reading the zip's central directory by hand ----------------------------

std::uint32_t le(const std::string& s, std::size_t at, int bytes) {
  std::uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i)
    v = (v << 8) | static_cast<unsigned char>(s.at(at + static_cast<std::size_t>(i)));
  return v;
}

// Compression method per member, from the central directory, checked against
// the local file header it points to. libarchive writes no zip comment, so
// the end record is the last 22 bytes.
std::map<std::string, int> zip_methods(const fs::path& zip) {
  const std::string z = read_file(zip);
  REQUIRE(z.size() >= 22);
  const std::size_t eocd = z.size() - 22;
  REQUIRE(z.compare(eocd, 4, "PK\x05\x06") == 0);
  const auto count = le(z, eocd + 10, 2);
  std::size_t p = le(z, eocd + 16, 4);
  std::map<std::string, int> out;
  for (std::uint32_t i = 0; i < count; ++i) {
    REQUIRE(z.compare(p, 4, "PK\x01\x02") == 0);
    const int method = static_cast<int>(le(z, p + 10, 2));
    const auto n = le(z, p + 28, 2), m = le(z, p + 30, 2), k = le(z, p + 32, 2);
    const std::size_t local = le(z, p + 42, 4);
    REQUIRE(z.compare(local, 4, "PK\x03\x04") == 0);
    CHECK(static_cast<int>(le(z, local + 8, 2)) == method);
    out[z.substr(p + 46, n)] = method;
    p += 46 + n + m + k;
  }
  return out;
}

// Simulates a full disk: writes beyond `bytes` fail with EFBIG. Root ignores
// folder permissions, but not this limit.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    REQUIRE(getrlimit(RLIMIT_FSIZE, &old_) == 0);
    old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit lim = old_;
    lim.rlim_cur = bytes;
    REQUIRE(setrlimit(RLIMIT_FSIZE, &lim) == 0);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &old_);
    std::signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit old_{};
  void (*old_handler_)(int) = nullptr;
};

// Switches LC_CTYPE for the life of the object (test-only global state).
class ScopedCtype {
 public:
  explicit ScopedCtype(const char* name) : old_(std::setlocale(LC_CTYPE, nullptr)) {
    REQUIRE(std::setlocale(LC_CTYPE, name) != nullptr);
  }
  ~ScopedCtype() { std::setlocale(LC_CTYPE, old_.c_str()); }
  ScopedCtype(const ScopedCtype&) = delete;
  ScopedCtype& operator=(const ScopedCtype&) = delete;

 private:
  std::string old_;
};

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.message();
  }
  return "(no error)";
}

}  // namespace

TEST_SUITE("util::archive") {
  TEST_CASE("write_zip round trip: sizes listed back, JPEGs stored, captions deflated") {
    testing::TempDir dir;
    const std::string jpg = random_bytes(300 * 1024 + 17);  // several read chunks, odd tail
    write_file_atomic(dir.path() / "photo.jpg", jpg);
    const std::string caption = std::string(2000, 'a') + " photo of TOK";
    const auto zip = dir.path() / "train.zip";
    write_zip(zip, {{"0001.jpg", dir.path() / "photo.jpg", "", true},
                    {"0001.txt", {}, caption, false},
                    {"0002.jpg", dir.path() / "photo.jpg", "", true},
                    {"empty.txt", {}, "", false}});

    auto listed = list_archive(zip);
    REQUIRE(listed.size() == 4);
    CHECK(listed[0].name == "0001.jpg");
    CHECK(listed[0].size == jpg.size());
    CHECK(listed[0].regular);
    CHECK(listed[1].name == "0001.txt");
    CHECK(listed[1].size == caption.size());
    CHECK(listed[3].size == 0);

    auto methods = zip_methods(zip);
    CHECK(methods["0001.jpg"] == 0);  // STORE
    CHECK(methods["0002.jpg"] == 0);
    CHECK(methods["0001.txt"] == 8);   // DEFLATE
    CHECK(methods["empty.txt"] == 0);  // nothing to deflate
    // Stored means the archive is no smaller than its JPEGs.
    CHECK(fs::file_size(zip) > 2 * jpg.size());
    CHECK(fs::file_size(zip) < 2 * jpg.size() + caption.size());

    testing::TempDir out;
    auto files = extract_matching(zip, ".jpg", out.path());
    REQUIRE(files.size() == 2);
    CHECK(read_file(out.path() / "0001.jpg") == jpg);
    extract_matching(zip, ".txt", out.path());
    CHECK(read_file(out.path() / "0001.txt") == caption);
    CHECK(names_in(out.path()) == std::set<std::string>{"0001.jpg", "0002.jpg", "0001.txt", "empty.txt"});
  }

  TEST_CASE("write_zip gives the same bytes for the same members") {
    testing::TempDir dir;
    write_zip(dir.path() / "a.zip", {{"1.jpg", {}, random_bytes(5000), true}, {"1.txt", {}, "tok", false}});
    write_zip(dir.path() / "b.zip", {{"1.jpg", {}, random_bytes(5000), true}, {"1.txt", {}, "tok", false}});
    CHECK(read_file(dir.path() / "a.zip") == read_file(dir.path() / "b.zip"));
  }

  TEST_CASE("write_zip refuses unsafe and duplicate names and writes nothing") {
    testing::TempDir dir;
    const auto zip = dir.path() / "train.zip";
    for (std::string bad :
         {"", ".", "..", "a/b.jpg", "/abs.jpg", "a\\b.jpg", "..\\x.jpg", "._x.jpg", "x\n.jpg", "caf\xc3\xa9.jpg"}) {
      CAPTURE(bad);
      CHECK_THROWS_AS(write_zip(zip, {{"ok.jpg", {}, "x", true}, {bad, {}, "y", true}}), Error);
    }
    auto msg = message_of([&] { write_zip(zip, {{"1.jpg", {}, "x", true}, {"1.jpg", {}, "y", true}}); });
    CHECK(msg.find("1.jpg") != std::string::npos);
    CHECK(msg.find("twice") != std::string::npos);
    CHECK(names_in(dir.path()).empty());
  }

  TEST_CASE("write_zip fails cleanly on a missing member, keeping an older zip intact") {
    testing::TempDir dir;
    const auto zip = dir.path() / "train.zip";
    write_zip(zip, {{"old.txt", {}, "old", false}});
    const std::string before = read_file(zip);
    auto msg = message_of([&] {
      write_zip(zip, {{"1.jpg", {}, "x", true}, {"2.jpg", dir.path() / "missing.jpg", "", true}});
    });
    CHECK(msg.find("missing.jpg") != std::string::npos);
    CHECK(read_file(zip) == before);
    CHECK(names_in(dir.path()) == std::set<std::string>{"train.zip"});
    // A folder is not a file either.
    fs::create_directory(dir.path() / "sub");
    CHECK_THROWS_AS(write_zip(zip, {{"1.jpg", dir.path() / "sub", "", true}}), Error);
    CHECK(read_file(zip) == before);
  }

  TEST_CASE("write_zip into a folder that cannot hold it fails with a message") {
    testing::TempDir dir;
    write_file_atomic(dir.path() / "file", "x");
    auto msg = message_of([&] { write_zip(dir.path() / "file" / "train.zip", {{"1.txt", {}, "x", false}}); });
    CHECK(msg.find("train.zip") != std::string::npos);
    CHECK_THROWS_AS(write_zip(dir.path() / "nope" / "train.zip", {{"1.txt", {}, "x", false}}), Error);
  }

  TEST_CASE("a full disk while writing the zip leaves no file behind") {
    testing::TempDir dir;
    write_file_atomic(dir.path() / "big.jpg", random_bytes(1 << 20));
    std::string msg;
    {
      FileSizeLimit limit(200 * 1024);
      msg = message_of([&] { write_zip(dir.path() / "train.zip", {{"1.jpg", dir.path() / "big.jpg", "", true}}); });
    }
    CHECK(msg.find("train.zip") != std::string::npos);
    CHECK(msg.find("too large") != std::string::npos);  // strerror(EFBIG), the cause
    CHECK(names_in(dir.path()) == std::set<std::string>{"big.jpg"});
  }

  TEST_CASE("list_archive reads tar entries with their types") {
    testing::TempDir dir;
    const auto tar = dir.path() / "w.tar";
    make_archive(tar, Fmt::tar, trainer_layout("LORA"));
    auto listed = list_archive(tar);
    REQUIRE(listed.size() == 6);
    CHECK(listed[0].name == "output/");
    CHECK_FALSE(listed[0].regular);
    CHECK(listed[3].name == "output/flux_train_replicate/lora.safetensors");
    CHECK(listed[3].size == 4);
    CHECK(listed[3].regular);
    CHECK_THROWS_AS(list_archive(dir.path() / "missing.tar"), Error);
  }

  TEST_CASE("extracts lora.safetensors from the trainer's tar, tar.gz and zip") {
    const std::string lora = random_bytes(200 * 1024 + 3, 7);
    for (Fmt fmt : {Fmt::tar, Fmt::tar_gz, Fmt::zip}) {
      CAPTURE(static_cast<int>(fmt));
      testing::TempDir dir;
      const auto archive = dir.path() / "weights";
      make_archive(archive, fmt, trainer_layout(lora));
      const auto out = dir.path() / "out";
      fs::create_directory(out);
      write_file_atomic(out / "keep.txt", "mine");
      auto files = extract_matching(archive, ".safetensors", out);
      REQUIRE(files.size() == 1);
      CHECK(files[0] == out / "lora.safetensors");
      CHECK(read_file(files[0]) == lora);
      CHECK(names_in(out) == std::set<std::string>{"keep.txt", "lora.safetensors"});
      // Again, over the existing file: replaced, not refused.
      CHECK(extract_matching(archive, ".safetensors", out).size() == 1);
      CHECK(read_file(out / "lora.safetensors") == lora);
    }
  }

  TEST_CASE("extraction normalises harmless paths and skips harmless links") {
    testing::TempDir dir;
    const auto tar = dir.path() / "w.tar";
    make_archive(tar, Fmt::tar,
                 {{"./", "", Kind::dir, ""},
                  {"./output/./x.safetensors", "X", Kind::file, ""},
                  {"output/latest", "", Kind::symlink, "x.safetensors"},
                  {"output/alias.bin", "", Kind::hardlink, "output/x.safetensors"},
                  {"output/y.SAFETENSORS", "Y", Kind::file, ""}});
    const auto out = dir.path() / "new" / "deeper";  // created on demand
    auto files = extract_matching(tar, ".safetensors", out);
    REQUIRE(files.size() == 1);
    CHECK(read_file(out / "x.safetensors") == "X");
    CHECK(names_in(out) == std::set<std::string>{"x.safetensors"});
  }

  TEST_CASE("non-ASCII names extract under the C locale") {
    for (Fmt fmt : {Fmt::tar, Fmt::zip}) {
      CAPTURE(static_cast<int>(fmt));
      testing::TempDir dir;
      const auto archive = dir.path() / "w";
      {
        // Written the way a UTF-8 system writes them (a pax "path" record,
        // the zip UTF-8 flag); read back below in the C locale, as photoagent
        // does, where libarchive reports them with ARCHIVE_WARN.
        ScopedCtype utf8("C.UTF-8");
        make_archive(archive, fmt,
                     {{"output/caf\xc3\xa9.txt", "caption"}, {"output/\xc3\xa9t\xc3\xa9.safetensors", "W"}});
      }
      auto files = extract_matching(archive, ".safetensors", dir.path() / "out");
      REQUIRE(files.size() == 1);
      CHECK(files[0].filename() == "\xc3\xa9t\xc3\xa9.safetensors");
      CHECK(read_file(files[0]) == "W");
      CHECK(list_archive(archive).at(0).name == "output/caf\xc3\xa9.txt");
    }
  }

  TEST_CASE("hostile archives are refused and leave the folder as it was") {
    const std::string good = "GOOD WEIGHTS";
    struct Case {
      const char* what;
      Fmt fmt;
      std::vector<Item> items;
      std::uint64_t max = 4ull << 30;
    };
    // Each starts with a good match, so a half-done extraction would show.
    std::vector<Case> cases = {
        {"parent escape", Fmt::tar, {{"ok.safetensors", good}, {"../evil.safetensors", "E"}}},
        {"absolute path", Fmt::tar, {{"ok.safetensors", good}, {"/abs/x.safetensors", "E"}}},
        {"inner ..", Fmt::tar, {{"ok.safetensors", good}, {"a/../../x.safetensors", "E"}}},
        {"backslash ..", Fmt::tar, {{"ok.safetensors", good}, {"a\\..\\..\\x.safetensors", "E"}}},
        {"dot-slash then ..", Fmt::tar, {{"ok.safetensors", good}, {"./../x.safetensors", "E"}}},
        {".. in a non-matching name", Fmt::tar, {{"ok.safetensors", good}, {"../config.yaml", "E"}}},
        {"zip parent escape", Fmt::zip, {{"ok.safetensors", good}, {"../evil.safetensors", "E"}}},
        {"symlink to /etc/passwd",
         Fmt::tar,
         {{"ok.safetensors", good}, {"x.safetensors", "", Kind::symlink, "/etc/passwd"}}},
        {"zip symlink", Fmt::zip, {{"ok.safetensors", good}, {"x.safetensors", "", Kind::symlink, "/etc/passwd"}}},
        {"symlink escaping by ..", Fmt::tar, {{"ok.safetensors", good}, {"out/link", "", Kind::symlink, "../../etc"}}},
        {"hardlink named like the weights",
         Fmt::tar,
         {{"ok.safetensors", good}, {"x.safetensors", "", Kind::hardlink, "ok.safetensors"}}},
        {"hardlink outside", Fmt::tar, {{"ok.safetensors", good}, {"h", "", Kind::hardlink, "../../etc/passwd"}}},
        {"duplicate base name", Fmt::tar, {{"a/ok.safetensors", good}, {"b/ok.safetensors", "second"}}},
        {"over max_bytes", Fmt::tar, {{"ok.safetensors", "tiny"}, {"big.safetensors", random_bytes(5000)}}, 4096},
        {"over max_bytes in tar.gz",
         Fmt::tar_gz,
         {{"ok.safetensors", "tiny"}, {"big.safetensors", std::string(100000, 'z')}},
         4096},
    };
    for (const auto& c : cases) {
      CAPTURE(std::string(c.what));
      testing::TempDir dir;
      const auto archive = dir.path() / "weights";
      make_archive(archive, c.fmt, c.items);
      const auto out = dir.path() / "out";
      fs::create_directory(out);
      write_file_atomic(out / "keep.txt", "mine");
      auto msg = message_of([&] { extract_matching(archive, ".safetensors", out, c.max); });
      CHECK(msg.find("refusing") != std::string::npos);
      CHECK(names_in(out) == std::set<std::string>{"keep.txt"});
      CHECK(read_file(out / "keep.txt") == "mine");
    }
  }

  TEST_CASE("a refusal removes the target folder it created") {
    testing::TempDir dir;
    const auto tar = dir.path() / "w.tar";
    make_archive(tar, Fmt::tar, {{"ok.safetensors", "GOOD"}, {"../evil.safetensors", "E"}});
    CHECK_THROWS_AS(extract_matching(tar, ".safetensors", dir.path() / "a" / "b"), Error);
    CHECK_FALSE(fs::exists(dir.path() / "a"));
  }

  TEST_CASE("truncated, corrupt and non-archives are refused") {
    testing::TempDir dir;
    const auto out = dir.path() / "out";
    fs::create_directory(out);
    auto refused = [&](const fs::path& archive) {
      CAPTURE(archive);
      CHECK_THROWS_AS(extract_matching(archive, ".safetensors", out), Error);
      CHECK(names_in(out).empty());
    };

    const std::string lora = random_bytes(200 * 1024, 3);
    for (Fmt fmt : {Fmt::tar, Fmt::tar_gz}) {
      // Cut inside the weights, and inside a later, non-matching member.
      const auto cut = dir.path() / ("cut" + std::to_string(static_cast<int>(fmt)));
      make_archive(cut, fmt, trainer_layout(lora));
      fs::resize_file(cut, fs::file_size(cut) / 2);
      refused(cut);

      const auto late = dir.path() / ("late" + std::to_string(static_cast<int>(fmt)));
      make_archive(late, fmt, {{"lora.safetensors", "small"}, {"optimizer.pt", random_bytes(1 << 20, 4)}});
      fs::resize_file(late, fs::file_size(late) - 300 * 1024);
      refused(late);
    }

    // A stored zip member with a flipped byte fails its CRC.
    const auto bad_crc = dir.path() / "crc.zip";
    write_zip(bad_crc, {{"lora.safetensors", {}, std::string(1000, 'w'), true}});
    {
      std::string z = read_file(bad_crc);
      auto at = z.find(std::string(100, 'w'));
      REQUIRE(at != std::string::npos);
      z[at + 50] = 'X';
      write_file_atomic(bad_crc, z);
    }
    refused(bad_crc);

    write_file_atomic(dir.path() / "text", "this is not an archive\n");
    refused(dir.path() / "text");
    write_file_atomic(dir.path() / "empty", "");
    refused(dir.path() / "empty");
    write_file_atomic(dir.path() / "mtree", "#mtree\n./x.safetensors type=file contents=/etc/passwd\n");
    refused(dir.path() / "mtree");
    refused(dir.path() / "missing.tar");
    auto msg = message_of([&] { list_archive(dir.path() / "text"); });
    CHECK(msg.find("not a tar or zip archive") != std::string::npos);
  }
}
