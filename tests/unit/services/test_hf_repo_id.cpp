// Repo ids are checked before they go into URLs; the check never runs
// std::regex over text longer than a valid id (it recurses per character).
#include <doctest/doctest.h>

#include "photoagent/util/error.hpp"
#include "services/huggingface/detail.hpp"

using photoagent::services::huggingface::detail::check_repo_id;

TEST_SUITE("services::huggingface::check_repo_id") {
  TEST_CASE("valid ids pass, a 100 kB one is a usage error, not a crash") {
    CHECK_NOTHROW(check_repo_id("ada-hf/ada-lora"));
    CHECK_NOTHROW(check_repo_id(std::string(96, 'a') + "/" + std::string(96, 'b')));
    CHECK_THROWS_AS(check_repo_id(std::string(97, 'a') + "/b"), photoagent::util::Error);
    CHECK_THROWS_AS(check_repo_id("a/" + std::string(100000, 'b')), photoagent::util::Error);
    CHECK_THROWS_AS(check_repo_id(std::string(100000, 'a') + "/b"), photoagent::util::Error);
  }
}
