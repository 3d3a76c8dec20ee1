#include <doctest/doctest.h>

#include "photoagent/util/error.hpp"
#include "photoagent/workflows/config.hpp"
#include "photoagent/workflows/projects.hpp"
#include "support.hpp"

using namespace photoagent;

TEST_SUITE("workflows::projects") {
  TEST_CASE("names valid for both Replicate and Hugging Face") {
    for (const char* ok : {"ada", "ada-lora", "a", "mug.v2", "x_1", "0abc"}) CHECK_NOTHROW(workflows::validate_project_name(ok));
    for (const char* bad : {"", "Ada", "-ada", "ada-", ".ada", "a--b", "a..b", "a b", "a/b", "ädä"})
      CHECK_THROWS_AS(workflows::validate_project_name(bad), util::Error);
    CHECK_THROWS_AS(workflows::validate_project_name(std::string(65, 'a')), util::Error);
  }

  TEST_CASE("trigger words and HF repos") {
    CHECK(workflows::default_trigger("ada-lora.v2") == "TOK_ADA_LORA_V2");
    CHECK_NOTHROW(workflows::validate_trigger_word("TOK_ADA"));
    CHECK_THROWS_AS(workflows::validate_trigger_word("has space"), util::Error);
    CHECK_NOTHROW(workflows::validate_hf_repo("me/ada-lora"));
    CHECK_THROWS_AS(workflows::validate_hf_repo("noslash"), util::Error);
    CHECK_THROWS_AS(workflows::validate_hf_repo("a/../b"), util::Error);
  }

  TEST_CASE("default project: PHOTOAGENT_PROJECT, then config") {
    testing::TempDir dir;
    workflows::Config cfg(dir.path() / "config.json");
    testing::ScopedEnv env("PHOTOAGENT_PROJECT", std::nullopt);
    CHECK_FALSE(workflows::default_project_name(cfg).has_value());
    cfg.set("default_project", "ada");
    CHECK(*workflows::default_project_name(cfg) == "ada");
    testing::ScopedEnv env2("PHOTOAGENT_PROJECT", "bob");
    CHECK(*workflows::default_project_name(cfg) == "bob");
  }

  TEST_CASE("config rejects unknown keys and persists the rest") {
    testing::TempDir dir;
    {
      workflows::Config cfg(dir.path() / "config.json");
      CHECK_THROWS_AS(cfg.set("no.such.key", "x"), util::Error);
      cfg.set("sendgrid.to", "me@example.com");
    }
    workflows::Config again(dir.path() / "config.json");
    CHECK(*again.get("sendgrid.to") == "me@example.com");
    CHECK(again.unset("sendgrid.to"));
    CHECK_FALSE(again.unset("sendgrid.to"));
  }
}
