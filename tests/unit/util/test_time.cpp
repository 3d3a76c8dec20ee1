#include <doctest/doctest.h>

#include "photoagent/util/time.hpp"

using namespace photoagent::util;

TEST_SUITE("util::time") {
  TEST_CASE("ISO 8601 as Replicate and photoagent write it parses to seconds since the epoch") {
    CHECK(parse_iso8601("2026-11-21T05:31:59Z") == 1795239119);
    CHECK(parse_iso8601("2026-11-21T05:31:59.123456Z") == 1795239119);  // fraction ignored
    CHECK(parse_iso8601(iso8601(1795239119)) == 1795239119);
    CHECK(iso8601(1795239119) == "2026-11-21T05:31:59Z");
  }

  TEST_CASE("anything else is nothing, not a guess") {
    CHECK_FALSE(parse_iso8601(""));
    CHECK_FALSE(parse_iso8601("2026-11-21"));
    CHECK_FALSE(parse_iso8601("yesterday at noon, roughly"));
    CHECK_FALSE(parse_iso8601("Sat, 21 Nov 2026 05:31:59 GMT"));
  }

  TEST_CASE("relative ages for tables") {
    CHECK(relative_age(1000, 1030) == "just now");
    CHECK(relative_age(1000, 1000 + 5 * 60) == "5m ago");
    CHECK(relative_age(1000, 1000 + 2 * 3600) == "2h ago");
    CHECK(relative_age(1000, 1000 + 3 * 86400) == "3d ago");
  }
}
