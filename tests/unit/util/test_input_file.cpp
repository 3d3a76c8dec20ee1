// util::InputFile: a std::istream over a close-on-exec descriptor.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "photoagent/util/file.hpp"
#include "photoagent/util/input_file.hpp"
#include "support.hpp"

using namespace photoagent;

namespace {
// The descriptor flags of every open descriptor of this process naming `path`.
std::vector<int> fd_flags_of(const std::filesystem::path& path) {
  std::vector<int> flags;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    if (std::filesystem::read_symlink(e.path(), ec) != path) continue;
    flags.push_back(::fcntl(std::stoi(e.path().filename().string()), F_GETFD));
  }
  return flags;
}
}  // namespace

TEST_SUITE("util::InputFile") {
  TEST_CASE("reads lines across its buffer, as std::ifstream would") {
    testing::TempDir dir;
    const auto file = dir.path() / "lines.txt";
    const std::string long_line(200000, 'x');
    util::write_file_atomic(file, "a\n" + long_line + "\r\nlast");
    util::InputFile in(file);
    REQUIRE(in.is_open());
    std::vector<std::string> lines;
    for (std::string line; std::getline(in.stream(), line);) lines.push_back(line);
    CHECK(lines == std::vector<std::string>{"a", long_line + "\r", "last"});
  }

  TEST_CASE("a file that cannot be opened is a failed stream, not an exception") {
    testing::TempDir dir;
    util::InputFile in(dir.path() / "missing");
    CHECK_FALSE(in.is_open());
    CHECK_FALSE(in.stream());
    std::string line;
    CHECK_FALSE(std::getline(in.stream(), line));
  }

  TEST_CASE("its descriptor is close-on-exec while it is open") {
    testing::TempDir dir;
    const auto file = dir.path() / "f.txt";
    util::write_file_atomic(file, "x\n");
    {
      util::InputFile in(file);
      const auto flags = fd_flags_of(file);
      REQUIRE(flags.size() == 1);
      CHECK((flags[0] & FD_CLOEXEC) != 0);
    }
    CHECK(fd_flags_of(file).empty());
  }
}
