// generate --name TEMPLATE / --overwrite: output names, never replacing a
// different picture unless asked.
#include <doctest/doctest.h>

#include <fstream>

#include "harness.hpp"
#include "helpers.hpp"
#include "pictures.hpp"

using e2e::FakeCloud;
using e2e::Sandbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Lab : e2e::ReplicateLab {
  Lab() : ReplicateLab(R"({"prediction_latency_ms":30})") {}
  std::vector<std::string> files(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file() && e.path().filename().string().front() != '.') names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
};

}  // namespace

TEST_SUITE("e2e::names") {
  TEST_CASE("two runs under one name keep both pictures; --overwrite replaces; the same picture is reused") {
    Lab lab;
    const auto dir = lab.out.path() / "named";
    auto gen = [&](const std::string& prompt, std::vector<std::string> extra = {}) {
      std::vector<std::string> args{"generate", "--model", "black-forest-labs/flux-schnell", prompt, "--seed", "5",
                                    "--name", "{project}-{style}-{seed}", "-o", dir.string()};
      args.insert(args.end(), extra.begin(), extra.end());
      auto r = lab.box.run(args);
      REQUIRE_MESSAGE(r.code == 0, r.err);
      return r;
    };
    gen("a red fox in snow");
    const auto first = dir / "flux-schnell-none-5.png";
    REQUIRE(lab.files(dir) == std::vector<std::string>{"flux-schnell-none-5.png"});
    const auto fox = e2e::read_file(first);
    gen("a grey wolf at dusk");  // another picture, the same name
    CHECK(lab.files(dir) == std::vector<std::string>{"flux-schnell-none-5-2.png", "flux-schnell-none-5.png"});
    CHECK(e2e::read_file(first) == fox);  // untouched
    CHECK(e2e::read_file(dir / "flux-schnell-none-5-2.png") != fox);
    gen("a red fox in snow");  // the same command: the same picture, nothing new
    CHECK(lab.files(dir).size() == 2);
    CHECK(lab.created() == 2);
    auto cat = gen("a black cat on a wall", {"--overwrite"});
    CHECK(lab.files(dir) == std::vector<std::string>{"flux-schnell-none-5-2.png", "flux-schnell-none-5.png"});
    const auto now = e2e::read_file(first);
    CHECK(now != fox);
    CHECK(now.find("a black cat on a wall") != std::string::npos);  // its metadata: the new picture
    CHECK(cat.out.find(first.string()) != std::string::npos);
  }

  TEST_CASE("a batch named by line id and image number; hostile ids stay inside the folder") {
    Lab lab;
    const auto dir = lab.out.path() / "batch";
    const auto batch = lab.out.path() / "lines.jsonl";
    {
      std::ofstream f(batch);
      f << R"({"id": "hero", "prompt": "a lighthouse", "n": 2})" << "\n"
        << R"({"id": "../../escape", "prompt": "a harbour"})" << "\n"
        << R"({"prompt": "a boat", "style": "cinematic"})" << "\n";
    }
    auto r = lab.box.run({"generate", "--model", "black-forest-labs/flux-schnell", "--batch", batch.string(), "--name",
                          "{key}-{n}-{style}-{date}.png", "-o", dir.string(), "--json"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    const auto names = lab.files(dir);
    REQUIRE(names.size() == 4);
    const std::string date = names.at(0).substr(names.at(0).size() - 14, 10);  // ...-YYYY-MM-DD.png
    CHECK(date.size() == 10);
    CHECK(date[4] == '-');
    CHECK(std::count(names.begin(), names.end(), "hero-1-none-" + date + ".png") == 1);
    CHECK(std::count(names.begin(), names.end(), "hero-2-none-" + date + ".png") == 1);
    CHECK(std::count(names.begin(), names.end(), "_._.._escape-1-none-" + date + ".png") == 1);
    int boats = 0;
    for (const auto& n : names) boats += n.find("-1-cinematic-" + date + ".png") != std::string::npos;
    CHECK(boats == 1);  // no id: the prediction key's first 10 hex digits
    // Nothing was written outside the folder.
    for (const auto& e : fs::recursive_directory_iterator(lab.out.path()))
      CHECK_MESSAGE((e.path().parent_path() == dir || e.path() == dir || e.path() == batch), e.path().string());
  }

  TEST_CASE("a bad --name is a usage error before anything is paid") {
    Lab lab;
    for (const char* bad : {"{nope}", "out/{n}", "{n", ".{n}"}) {
      auto r = lab.box.run({"generate", "--model", "black-forest-labs/flux-schnell", "a fox", "--name", bad, "-o",
                            lab.out.path().string()});
      CHECK_MESSAGE(r.code == 2, bad);
      CHECK(r.err.find("--name") != std::string::npos);
    }
    CHECK(lab.created() == 0);
  }
}
