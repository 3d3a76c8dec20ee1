// Output folders are checked before anything is paid for.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "photoagent/util/dir_probe.hpp"
#include "photoagent/util/error.hpp"
#include "support.hpp"

using namespace photoagent;
namespace fs = std::filesystem;

namespace {
std::string refusal(const fs::path& dir) {
  try {
    util::check_output_dir(dir, "-o");
  } catch (const util::Error& e) {
    CHECK(e.exit_code() == 2);
    return e.message();
  }
  return "";
}
std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}
}  // namespace

TEST_SUITE("util::dir_probe") {
  TEST_CASE("a writable folder, existing or not yet, passes and keeps nothing") {
    testing::TempDir t;
    CHECK(refusal(t.path()) == "");
    CHECK(refusal(t.path() / "new" / "deeper") == "");
    CHECK_FALSE(fs::exists(t.path() / "new"));  // created later, by the first file
    CHECK(entries(t.path()) == 0);               // the probe file is gone
  }

  TEST_CASE("a file, or a path under a file, is refused naming it") {
    testing::TempDir t;
    std::ofstream(t.path() / "afile") << "x";
    auto m = refusal(t.path() / "afile");
    CHECK(m.find("is a file, not a folder") != std::string::npos);
    CHECK(m.rfind("-o ", 0) == 0);
    CHECK(refusal(t.path() / "afile" / "sub").find("afile is a file") != std::string::npos);
  }

  TEST_CASE("a read-only folder is refused (not as root, who may write anyway)") {
    if (::geteuid() == 0) return;
    testing::TempDir t;
    const auto ro = t.path() / "ro";
    fs::create_directory(ro);
    ::chmod(ro.c_str(), 0555);
    CHECK(refusal(ro).find("cannot write into") != std::string::npos);
    CHECK(refusal(ro / "sub").find("cannot write into") != std::string::npos);
    ::chmod(ro.c_str(), 0755);
  }
}
