#include <doctest/doctest.h>

#include "photoagent/util/paths.hpp"
#include "support.hpp"

using namespace photoagent::util;

TEST_SUITE("util::paths") {
  TEST_CASE("own variables win over XDG, XDG over HOME") {
    testing::ScopedEnv home("HOME", "/h");
    {
      testing::ScopedEnv a("PHOTOAGENT_HOME", std::nullopt), b("XDG_DATA_HOME", std::nullopt);
      CHECK(data_home() == "/h/.local/share/photoagent");
    }
    {
      testing::ScopedEnv a("PHOTOAGENT_HOME", std::nullopt), b("XDG_DATA_HOME", "/x");
      CHECK(data_home() == "/x/photoagent");
    }
    {
      testing::ScopedEnv a("PHOTOAGENT_HOME", "/own"), b("XDG_DATA_HOME", "/x");
      CHECK(data_home() == "/own");
    }
    testing::ScopedEnv c("PHOTOAGENT_CONFIG_DIR", std::nullopt), d("XDG_CONFIG_HOME", std::nullopt);
    CHECK(config_home() == "/h/.config/photoagent");
    CHECK(profile_dir("default") == "/h/.config/photoagent");
    CHECK(profile_dir("work") == "/h/.config/photoagent/profiles/work");
    testing::ScopedEnv e("HF_HOME", std::nullopt), f("XDG_CACHE_HOME", std::nullopt);
    CHECK(hf_home() == "/h/.cache/huggingface");
  }
}
