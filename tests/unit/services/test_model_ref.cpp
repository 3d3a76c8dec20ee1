// Model references from users and batch lines: a plain, bounded scan.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "photoagent/services/replicate/model_ref.hpp"
#include "photoagent/util/error.hpp"

using namespace photoagent;
using services::replicate::is_owner_slash_name;
using services::replicate::parse_model_ref;

TEST_SUITE("services::model_ref") {
  TEST_CASE("the accepted shapes") {
    auto m = parse_model_ref("black-forest-labs/flux-schnell");
    CHECK(m.owner == "black-forest-labs");
    CHECK(m.name == "flux-schnell");
    CHECK(m.version.empty());
    const std::string v(64, 'a');
    auto mv = parse_model_ref("stability-ai/sdxl:" + v);
    CHECK(mv.version == v);
    CHECK(parse_model_ref("a1/b.c_d-e").name == "b.c_d-e");
  }

  TEST_CASE("refused shapes are usage errors") {
    for (const std::string& bad : std::vector<std::string>{"", "flux", "/x", "x/", "-a/b", "a/.b", "a/b/c", "a b/c", "a/b:", "a/b:XYZ",
                                  "a/b:" + std::string(63, 'a'), "a/b:" + std::string(64, 'A'), "a/b\xff"}) {
      try {
        parse_model_ref(bad);
        FAIL_CHECK("accepted: ", bad);
      } catch (const util::Error& e) {
        CHECK(e.exit_code() == 2);
      }
    }
  }

  TEST_CASE("a 100 kB reference is refused at once, and its message stays short") {
    const std::string huge = "a/" + std::string(100000, 'b');  // std::regex overflowed the stack on this
    try {
      parse_model_ref(huge);
      FAIL("accepted");
    } catch (const util::Error& e) {
      CHECK(e.exit_code() == 2);
      CHECK(e.message().size() < 200);
      CHECK(e.message().find("longer than 200") != std::string::npos);
    }
    CHECK_FALSE(is_owner_slash_name(huge));
    CHECK_FALSE(is_owner_slash_name(std::string(100000, 'a')));
    CHECK(is_owner_slash_name("stabilityai/stable-diffusion-3-medium-diffusers"));
    CHECK_FALSE(is_owner_slash_name("stabilityai/sd3:" + std::string(64, 'a')));
  }
}
