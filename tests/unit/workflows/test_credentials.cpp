#include <doctest/doctest.h>
#include <sys/stat.h>

#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/paths.hpp"
#include "photoagent/workflows/credentials.hpp"
#include "photoagent/workflows/projects.hpp"
#include "support.hpp"

using namespace photoagent;
using services::Service;

TEST_SUITE("workflows::credentials") {
  TEST_CASE("environment wins over the file; HF: env, file, then the hf token file") {
    testing::TempDir dir;
    testing::ScopedEnv hf_home("HF_HOME", (dir.path() / "hf").string());
    testing::ScopedEnv hf_path("HF_TOKEN_PATH", std::nullopt);
    testing::ScopedEnv r("REPLICATE_API_TOKEN", std::nullopt), h("HF_TOKEN", std::nullopt);
    testing::ScopedEnv legacy("HUGGING_FACE_HUB_TOKEN", std::nullopt);
    workflows::CredentialStore store(dir.path() / "cfg");
    CHECK_FALSE(store.find(Service::replicate).has_value());
    CHECK_THROWS_AS(store.require(Service::replicate), util::Error);

    std::filesystem::create_directories(dir.path() / "hf");
    util::write_file_atomic(dir.path() / "hf" / "token", "hf_fromhfcli\n");
    CHECK(store.find(Service::huggingface)->secret == "hf_fromhfcli");

    store.save(Service::replicate, "r8_file", "ada");
    store.save(Service::huggingface, "hf_file", "ada-hf");
    CHECK(store.find(Service::replicate)->secret == "r8_file");
    CHECK(store.find(Service::replicate)->account == "ada");
    CHECK(store.find(Service::huggingface)->secret == "hf_file");

    testing::ScopedEnv r2("REPLICATE_API_TOKEN", "r8_env");
    testing::ScopedEnv h2("HF_TOKEN", "hf_env");
    auto c = store.find(Service::replicate);
    CHECK(c->secret == "r8_env");
    CHECK(c->from_env);
    CHECK(c->source == "env REPLICATE_API_TOKEN");
    CHECK(store.find(Service::huggingface)->secret == "hf_env");
  }

  TEST_CASE("HF: HUGGING_FACE_HUB_TOKEN is read after HF_TOKEN and before the file") {
    testing::TempDir dir;
    testing::ScopedEnv hf_home("HF_HOME", (dir.path() / "hf").string());
    testing::ScopedEnv h("HF_TOKEN", std::nullopt), legacy("HUGGING_FACE_HUB_TOKEN", " hf_legacy\n");
    workflows::CredentialStore store(dir.path() / "cfg");
    store.save(Service::huggingface, "hf_file", "ada-hf");
    auto c = store.find(Service::huggingface);
    CHECK(c->secret == "hf_legacy");
    CHECK(c->from_env);
    CHECK(c->source == "env HUGGING_FACE_HUB_TOKEN");
    {
      testing::ScopedEnv blank("HF_TOKEN", "  ");  // a blank variable counts as unset
      CHECK(store.find(Service::huggingface)->secret == "hf_legacy");
    }
    testing::ScopedEnv modern("HF_TOKEN", "hf_modern");
    CHECK(store.find(Service::huggingface)->source == "env HF_TOKEN");
  }

  TEST_CASE("the file is 0600 and a readable one is refused") {
    testing::TempDir dir;
    testing::ScopedEnv r("REPLICATE_API_TOKEN", std::nullopt);
    workflows::CredentialStore store(dir.path());
    store.save(Service::replicate, "r8_x", "ada");
    struct stat st {};
    REQUIRE(stat(store.file().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    chmod(store.file().c_str(), 0644);
    try {
      store.find(Service::replicate);
      FAIL("read a world-readable credentials file");
    } catch (const util::Error& e) {
      CHECK(e.code() == util::ExitCode::auth);
      CHECK(e.hint().find("chmod 600") != std::string::npos);
    }
  }

  TEST_CASE("remove deletes one service and keeps the others") {
    testing::TempDir dir;
    testing::ScopedEnv r("REPLICATE_API_TOKEN", std::nullopt), s("SENDGRID_API_KEY", std::nullopt);
    workflows::CredentialStore store(dir.path());
    store.save(Service::replicate, "r8_x", "ada");
    store.save(Service::sendgrid, "SG.x", "me@example.com");
    CHECK(store.remove(Service::replicate));
    CHECK_FALSE(store.remove(Service::replicate));
    CHECK_FALSE(store.find(Service::replicate).has_value());
    CHECK(store.find(Service::sendgrid)->secret == "SG.x");
  }
}

TEST_SUITE("workflows::credentials env seam") {
  TEST_CASE("a fixed environment decides, not the process's: token, legacy HF variable, CI hint, default project") {
    testing::TempDir dir;
    util::FixedEnv env({{"REPLICATE_API_TOKEN", "r8_from_env"}, {"HUGGING_FACE_HUB_TOKEN", "hf_legacy"}, {"CI", "true"},
                        {"PHOTOAGENT_PROJECT", "ada"}});
    workflows::CredentialStore store(dir.path(), env);
    auto r = store.find(services::Service::replicate);
    REQUIRE(r);
    CHECK(r->secret == "r8_from_env");
    CHECK(r->source == "env REPLICATE_API_TOKEN");
    auto h = store.find(services::Service::huggingface);
    REQUIRE(h);
    CHECK(h->source == "env HUGGING_FACE_HUB_TOKEN");
    try {
      store.require(services::Service::sendgrid);
      FAIL("no error");
    } catch (const util::Error& e) {
      CHECK(e.hint().find("environment variable") != std::string::npos);  // CI: no login to run
    }
    workflows::Config config(dir.path() / "config.json", env);
    CHECK(workflows::default_project_name(config) == std::optional<std::string>("ada"));
    CHECK(util::data_home(util::FixedEnv(std::map<std::string, std::string>{{"PHOTOAGENT_HOME", "/x/y"}})) == "/x/y");
    CHECK(util::data_home(util::FixedEnv(std::map<std::string, std::string>{{"HOME", "/h"}})) == "/h/.local/share/photoagent");
  }
}
