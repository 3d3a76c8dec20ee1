// The command surface: help, usage errors, exit codes, honest stubs.
#include <filesystem>
#include <doctest/doctest.h>

#include "harness.hpp"

using e2e::FakeCloud;
using e2e::Sandbox;

TEST_SUITE("e2e::cli") {
  TEST_CASE("--help lists every command and the exit codes; --version works") {
    FakeCloud cloud;
    Sandbox box(cloud);
    auto h = box.run({"--help"});
    CHECK(h.code == 0);
    for (const char* cmd : {"login", "logout", "project", "upload", "train", "status", "generate", "search", "config"})
      CHECK_MESSAGE(h.out.find(std::string("  ") + cmd + " ") != std::string::npos, cmd);
    CHECK(h.out.find("Exit codes") != std::string::npos);
    CHECK(box.run({"login", "--help"}).out.find("--with-token") != std::string::npos);
    auto v = box.run({"--version"});
    CHECK(v.code == 0);
    CHECK(v.out.find("photoagent ") == 0);
    // Built from a git checkout, --version names the commit (src/cli/version.cmake).
    if (std::filesystem::exists(std::filesystem::path(PA_SOURCE_DIR) / ".git"))
      CHECK(v.out.find("(git ") != std::string::npos);
  }

  TEST_CASE("usage errors exit 2 with a hint; a typo gets a suggestion") {
    FakeCloud cloud;
    Sandbox box(cloud);
    auto typo = box.run({"projet", "list"});
    CHECK(typo.code == 2);
    CHECK(typo.err.find("Did you mean 'photoagent project'") != std::string::npos);
    // Global options before the word do not hide the suggestion.
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--debug", "projet", "list"}, {"--profile", "work", "projet"}, {"--profile=work", "--json", "projet"}}) {
      auto after = box.run(args);
      CHECK(after.code == 2);
      CHECK_MESSAGE(after.err.find("Did you mean 'photoagent project'") != std::string::npos, after.err);
    }
    auto flag = box.run({"project", "list", "--bogus"});
    CHECK(flag.code == 2);
    CHECK(flag.err.find("--help") != std::string::npos);
    CHECK(box.run({"config", "frob"}).code == 2);
  }

  TEST_CASE("global flags work after the subcommand") {
    FakeCloud cloud;
    Sandbox box(cloud);
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    CHECK(box.run({"project", "list", "--json"}).json().is_array());
    CHECK(box.run({"--json", "project", "list"}).json().is_array());
  }

  TEST_CASE("config set/get/list/path") {
    FakeCloud cloud;
    Sandbox box(cloud);
    CHECK(box.run({"config", "set", "sendgrid.to", "me@example.com"}).code == 0);
    CHECK(box.run({"config", "get", "sendgrid.to"}).out == "me@example.com\n");
    CHECK(box.run({"config", "set", "no.such", "x"}).code == 2);
    CHECK(box.run({"config", "get", "default_project"}).code == 3);
    auto paths = box.run({"config", "path", "--json"}).json();
    CHECK(paths["data"] == box.data_dir().string());
    CHECK(box.run({"config", "list", "--all", "--json"}).json().contains("sendgrid.from"));
  }
}
