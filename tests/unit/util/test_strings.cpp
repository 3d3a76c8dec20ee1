#include <doctest/doctest.h>

#include "photoagent/util/strings.hpp"

using namespace photoagent::util;

TEST_SUITE("util::strings") {
  TEST_CASE("trim, lower, split, join") {
    CHECK(trim("  a b \n") == "a b");
    CHECK(to_lower("HeLLo") == "hello");
    CHECK(iequals("Retry-After", "retry-after"));
    CHECK(split("a, b,,c", ',') == std::vector<std::string>{"a", "b", "c"});
    CHECK(split("a,,c", ',', false) == std::vector<std::string>{"a", "", "c"});
    CHECK(join({"x", "y"}, "/") == "x/y");
  }
}
