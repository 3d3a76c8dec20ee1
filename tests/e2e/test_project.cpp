// project create / list / show / use / delete through the real binary.
#include <doctest/doctest.h>

#include <thread>

#include "harness.hpp"

using e2e::FakeCloud;
using e2e::Sandbox;

TEST_SUITE("e2e::project") {
  TEST_CASE("lifecycle with --json: create, list, show, use, delete") {
    FakeCloud cloud;
    Sandbox box(cloud);
    auto c = box.run({"project", "create", "ada", "--kind", "person", "--json"});
    REQUIRE(c.code == 0);
    auto ada = c.json();
    CHECK(ada["name"] == "ada");
    CHECK(ada["kind"] == "person");
    CHECK(ada["trigger"] == "TOK_ADA");
    CHECK(ada["images"] == 0);
    CHECK(ada["default"] == true);  // the first project becomes the default

    auto m = box.run({"project", "create", "mug", "--kind", "PRODUCT", "--trigger", "TOK_MUG", "--hf-repo",
                      "me/mug-lora", "--description", "a blue mug", "--json"});
    REQUIRE(m.code == 0);
    CHECK(m.json()["kind"] == "product");
    CHECK(m.json()["default"] == false);
    CHECK(m.json()["hf_repo"] == "me/mug-lora");

    auto list = box.run({"project", "list", "--json"}).json();
    REQUIRE(list.size() == 2);
    for (const char* field : {"name", "kind", "trigger", "images", "default", "created_at"})
      CHECK(list[0].contains(field));

    CHECK(box.run({"project", "show", "--json"}).json()["name"] == "ada");
    CHECK(box.run({"project", "use", "mug"}).code == 0);
    CHECK(box.run({"project", "show", "--json"}).json()["name"] == "mug");
    CHECK(box.run({"project", "show", "--json"}, "", {{"PHOTOAGENT_PROJECT", "ada"}}).json()["name"] == "ada");

    // Plain output in a pipe: tab-separated, no header.
    auto plain = box.run({"project", "list"});
    CHECK(plain.out.find("ada\tperson\tTOK_ADA\t0\t") != std::string::npos);
    CHECK(plain.out.find("NAME") == std::string::npos);
    auto tty = box.run({"project", "list"}, "", {{"PHOTOAGENT_FORCE_TTY", "120"}});
    CHECK(tty.out.find("NAME") != std::string::npos);

    // Deleting needs --yes without a terminal.
    auto ask = box.run({"project", "delete", "mug"});
    CHECK(ask.code == 2);
    CHECK(ask.err.find("--yes") != std::string::npos);
    auto del = box.run({"project", "delete", "mug", "--yes", "--json"});
    CHECK(del.code == 0);
    CHECK(del.json()["deleted"] == "mug");
    CHECK(box.run({"project", "list", "--json"}).json().size() == 1);
    // The deleted default is no longer the default.
    CHECK(box.run({"project", "show"}).code == 2);
  }

  TEST_CASE("names are checked with a clear message; duplicates and unknown projects fail") {
    FakeCloud cloud;
    Sandbox box(cloud);
    auto bad = box.run({"project", "create", "Ada Lovelace", "--kind", "person"});
    CHECK(bad.code == 2);
    CHECK(bad.err.find("lowercase") != std::string::npos);
    CHECK(box.run({"project", "create", "ada", "--kind", "robot"}).code == 2);
    CHECK(box.run({"project", "create", "ada"}).code == 2);  // --kind is required
    CHECK(box.run({"project", "create", "ada", "--kind", "person", "--trigger", "two words"}).code == 2);
    CHECK(box.run({"project", "create", "ada", "--kind", "person", "--hf-repo", "nope"}).code == 2);
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    CHECK(box.run({"project", "create", "ada", "--kind", "person"}).code == 1);
    auto missing = box.run({"project", "show", "zed"});
    CHECK(missing.code == 3);
    CHECK(missing.err.find("project list") != std::string::npos);
    CHECK(box.run({"project", "delete", "zed", "--yes"}).code == 3);
  }

  TEST_CASE("two processes creating projects at once both succeed") {
    FakeCloud cloud;
    Sandbox box(cloud);
    // The first open migrates the cache; racing opens must not corrupt it.
    std::vector<e2e::Result> results(8);
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
      threads.emplace_back([&, i] {
        std::string name = "p";  // (not "p" + ...: GCC 12 warns falsely, -Wrestrict)
        name += std::to_string(i);
        results[i] = box.run({"project", "create", name, "--kind", "person"});
      });
    for (auto& t : threads) t.join();
    for (const auto& r : results) CHECK_MESSAGE(r.code == 0, r.err);
    CHECK(box.run({"project", "list", "--json"}).json().size() == 8);
  }
}
