// ensure_private_dir / tighten_dir: the data and config folders hold faces
// and tokens.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include "../support.hpp"
#include "photoagent/util/paths.hpp"

namespace fs = std::filesystem;

namespace {
unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}
}  // namespace

TEST_SUITE("util::paths") {
  TEST_CASE("ensure_private_dir creates 0700 folders and tightens a looser one, keeping its owner bits") {
    testing::TempDir dir;
    const auto deep = dir.path() / "a" / "b";
    photoagent::util::ensure_private_dir(deep);
    CHECK(mode_of(deep) == 0700);
    CHECK(mode_of(dir.path() / "a") == 0700);
    fs::permissions(deep, fs::perms(0755), fs::perm_options::replace);
    photoagent::util::ensure_private_dir(deep);
    CHECK(mode_of(deep) == 0700);
    fs::permissions(deep, fs::perms(0570), fs::perm_options::replace);  // owner r-x stays r-x
    photoagent::util::tighten_dir(deep);
    CHECK(mode_of(deep) == 0500);
    fs::permissions(deep, fs::perms(0700), fs::perm_options::replace);
  }

  TEST_CASE("tighten_dir leaves what is not a folder, or not there, alone") {
    testing::TempDir dir;
    photoagent::util::tighten_dir(dir.path() / "missing");
    CHECK_FALSE(fs::exists(dir.path() / "missing"));
    const auto file = dir.path() / "f";
    { std::FILE* f = std::fopen(file.c_str(), "w"); REQUIRE(f); std::fclose(f); }
    fs::permissions(file, fs::perms(0644), fs::perm_options::replace);
    photoagent::util::tighten_dir(file);
    CHECK(mode_of(file) == 0644);
  }
}
