#include <doctest/doctest.h>

#include "photoagent/util/error.hpp"

using namespace photoagent::util;

TEST_SUITE("util::error") {
  TEST_CASE("only Ctrl-C and SIGTERM are interruptions") {
    CHECK(Error(ExitCode::interrupted, "interrupted").is_interruption());
    CHECK(Error(ExitCode::terminated, "terminated (SIGTERM)").is_interruption());
    CHECK_FALSE(remote_error("503").is_interruption());
    CHECK_FALSE(failure("x").is_interruption());
    CHECK_FALSE(usage_error("x").is_interruption());
  }

  TEST_CASE("an error keeps its message, hint and exit code") {
    auto e = not_found("no project named 'zed'", "See 'photoagent project list'.");
    CHECK(e.exit_code() == 3);
    CHECK(std::string(e.what()) == "no project named 'zed'");
    CHECK(e.hint() == "See 'photoagent project list'.");
  }
}
