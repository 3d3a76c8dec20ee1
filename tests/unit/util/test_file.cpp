#include <doctest/doctest.h>
#include <sys/stat.h>

#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/hash.hpp"
#include "support.hpp"

using namespace photoagent::util;

TEST_SUITE("util::file") {
  TEST_CASE("atomic write replaces the file and sets the mode") {
    testing::TempDir dir;
    auto f = dir.path() / "creds.json";
    write_file_atomic(f, "one", 0600);
    write_file_atomic(f, "two", 0600);
    CHECK(read_file(f) == "two");
    struct stat st {};
    REQUIRE(stat(f.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK_FALSE(is_group_or_world_accessible(f));
    chmod(f.c_str(), 0644);
    CHECK(is_group_or_world_accessible(f));
  }

  TEST_CASE("an uncommitted atomic file leaves nothing behind") {
    testing::TempDir dir;
    auto f = dir.path() / "x";
    {
      AtomicFile a(f);
      a.write("partial");
    }
    CHECK_FALSE(std::filesystem::exists(f));
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), {}) == 0);
  }

  TEST_CASE("read_file refuses files over the limit and names missing ones") {
    testing::TempDir dir;
    write_file_atomic(dir.path() / "big", std::string(100, 'x'));
    CHECK_THROWS_AS(read_file(dir.path() / "big", 10), Error);
    try {
      read_file(dir.path() / "missing");
      FAIL("no throw");
    } catch (const Error& e) {
      CHECK(e.message().find("missing") != std::string::npos);
    }
  }

  TEST_CASE("sha256 matches the standard test vector") {
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    testing::TempDir dir;
    write_file_atomic(dir.path() / "abc", "abc");
    CHECK(sha256_file(dir.path() / "abc") == sha256_hex("abc"));
  }
}
