// The batch file is read through a close-on-exec descriptor (issue 13: every
// descriptor is close-on-exec). A FIFO as the batch file holds read_batch
// open while the test looks at its descriptor.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "photoagent/workflows/batch_file.hpp"
#include "support.hpp"

using namespace photoagent;

TEST_SUITE("workflows::batch file") {
  TEST_CASE("the batch file's descriptor is close-on-exec while it is read") {
    testing::TempDir dir;
    const auto fifo = dir.path() / "prompts.jsonl";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    std::vector<workflows::BatchLine> lines;
    std::istringstream no_stdin;
    std::thread reader([&] { lines = workflows::read_batch(no_stdin, fifo.string(), workflows::GenerateRequest{}); });
    // Opening for writing returns once the reader has opened its end.
    const int w = ::open(fifo.c_str(), O_WRONLY | O_CLOEXEC);
    REQUIRE(w >= 0);
    // The reader's descriptor may be installed a moment after our open returns.
    int reader_flags = -1, found = 0;
    for (int tries = 0; found == 0 && tries < 200; ++tries) {
      if (tries > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
        std::error_code ec;
        const int fd = std::stoi(e.path().filename().string());
        if (fd == w || std::filesystem::read_symlink(e.path(), ec) != fifo) continue;
        reader_flags = ::fcntl(fd, F_GETFD);
        ++found;
      }
    }
    const std::string text = "{\"prompt\":\"a fox\"}\n";
    CHECK(::write(w, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ::close(w);
    reader.join();
    CHECK(found == 1);
    CHECK((reader_flags & FD_CLOEXEC) != 0);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].request.prompt == "a fox");
  }
}
