// A killed writer's temp files in the output folder (found by the chaos
// suite: `out-0.png.tmp-PID-N` stayed forever after kill -9 mid-write).
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "photoagent/workflows/batch_state.hpp"
#include "support.hpp"

using namespace photoagent;
namespace fs = std::filesystem;

TEST_SUITE("workflows::batch_state") {
  TEST_CASE("opening a batch folder removes temp files of writers that are gone, not of living ones") {
    testing::TempDir dir;
    const pid_t gone = fork();
    if (gone == 0) _exit(0);
    REQUIRE(gone > 0);
    waitpid(gone, nullptr, 0);  // a pid whose process no longer exists
    const auto dead = dir.path() / ("flux-schnell-ab12-0.png.tmp-" + std::to_string(gone) + "-12345");
    const auto alive = dir.path() / ("flux-schnell-cd34-0.png.tmp-" + std::to_string(::getpid()) + "-678");
    const auto plain = dir.path() / "notes.tmp-readme";  // not an atomic write's name
    for (const auto& p : {dead, alive, plain}) std::ofstream(p) << "x";
    {
      workflows::BatchState state(dir.path());
    }
    CHECK_FALSE(fs::exists(dead));
    CHECK(fs::exists(alive));
    CHECK(fs::exists(plain));
  }
}
