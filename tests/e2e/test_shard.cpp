// generate --batch --shard K/N: N processes (CI jobs) make every item once.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <set>
#include <thread>

#include "harness.hpp"
#include "helpers.hpp"
#include "pictures.hpp"

using e2e::FakeCloud;
using e2e::json_lines;
using e2e::Sandbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Real, complete PNGs under `dir`, in any shard folder.
std::size_t pngs_under(const fs::path& dir) {
  std::size_t n = 0;
  if (!fs::exists(dir)) return 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".png") continue;
    REQUIRE_MESSAGE(e2e::read_file(e.path()).rfind("\x89PNG", 0) == 0, e.path().string());
    ++n;
  }
  return n;
}

fs::path write_batch(const fs::path& dir, int n) {
  auto path = dir / "prompts.jsonl";
  std::ofstream f(path);
  for (int i = 0; i < n; ++i) {
    json line = {{"prompt", "a harbour at dawn, study " + std::to_string(i)}};
    if (i % 4 == 0) line["id"] = "item-" + std::to_string(i);
    f << line.dump() << "\n";
  }
  return path;
}

std::vector<std::string> shard_cmd(const fs::path& batch, const fs::path& out, const std::string& shard) {
  return {"generate", "--model", "black-forest-labs/flux-schnell", "--batch", batch.string(), "--shard", shard,
          "--concurrency", "8", "-o", out.string(), "--json"};
}

long created(const FakeCloud& cloud) { return cloud.stats()["predictions_created"].get<long>(); }

}  // namespace

TEST_SUITE("e2e::shard") {
  TEST_CASE("a batch of 300 as shards 1/3, 2/3, 3/3 in parallel: 300 images, exactly 300 predictions") {
    FakeCloud cloud({"--config-json", R"({"prediction_latency_ms":[50,150]})"});
    e2e::TempDir work;
    const auto batch = write_batch(work.path(), 300);
    const auto out = work.path() / "out";
    // Three CI jobs: each its own machine (cache, config), the same command but the shard.
    std::vector<std::unique_ptr<Sandbox>> boxes;
    for (int k = 0; k < 3; ++k) {
      boxes.push_back(std::make_unique<Sandbox>(cloud));
      REQUIRE(boxes.back()->run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    }
    std::vector<e2e::Result> results(3);
    std::vector<std::thread> jobs;
    for (int k = 0; k < 3; ++k)
      jobs.emplace_back([&, k] {
        results[k] = boxes[k]->run(shard_cmd(batch, out, std::to_string(k + 1) + "/3"), "", {}, 300);
      });
    for (auto& t : jobs) t.join();
    std::set<std::string> keys;
    std::size_t lines = 0;
    for (int k = 0; k < 3; ++k) {
      CHECK_MESSAGE(results[k].code == 0, results[k].err);
      CHECK(results[k].err.find("Shard " + std::to_string(k + 1) + "/3: ") != std::string::npos);
      // The account's 600 creates a minute are shared.
      CHECK(results[k].err.find("at most 200 creates a minute (600/3") != std::string::npos);
      const auto docs = json_lines(results[k].out);
      CHECK(docs.size() > 60);  // a fair share each (100 expected)
      CHECK(docs.size() < 140);
      lines += docs.size();
      for (const auto& d : docs) {
        CHECK_MESSAGE(d["error"].is_null(), d.dump());
        keys.insert(d["key"].get<std::string>());
        for (const auto& f : d["files"])
          CHECK(fs::path(f.get<std::string>()).parent_path().filename() == "shard-" + std::to_string(k + 1) + "-of-3");
      }
      CHECK(fs::exists(out / ("shard-" + std::to_string(k + 1) + "-of-3") / ".photoagent-batch.jsonl"));
    }
    CHECK(lines == 300);
    CHECK(keys.size() == 300);  // disjoint: no item made by two shards
    CHECK(pngs_under(out) == 300);
    CHECK(created(cloud) == 300);

    // Running every shard again pays for nothing.
    for (int k = 0; k < 3; ++k) CHECK(boxes[k]->run(shard_cmd(batch, out, std::to_string(k + 1) + "/3"), "", {}, 120).code == 0);
    CHECK(created(cloud) == 300);
    CHECK(pngs_under(out) == 300);
  }

  TEST_CASE("a shard killed with -9 mid-run and run again pays nothing twice; the other shards complete the batch") {
    FakeCloud cloud({"--config-json", R"({"prediction_latency_ms":[300,600]})"});
    Sandbox box(cloud);
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    e2e::TempDir work;
    const auto batch = write_batch(work.path(), 90);
    const auto out = work.path() / "out";
    const auto killed = box.run_and_signal(shard_cmd(batch, out, "2/3"), SIGKILL, 900);
    CHECK(killed.code == 128 + SIGKILL);
    const long paid = created(cloud);
    CHECK(paid > 0);
    const auto mine = out / "shard-2-of-3";
    CHECK(pngs_under(mine) < static_cast<std::size_t>(paid) + 1);
    // The rerun on a fresh runner (only the output folder kept, as a CI cache does).
    e2e::TempDir fresh;
    const std::map<std::string, std::string> env{{"PHOTOAGENT_HOME", (fresh.path() / "data").string()},
                                                 {"PHOTOAGENT_CONFIG_DIR", (fresh.path() / "config").string()}};
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good", env).code == 0);
    const auto again = box.run(shard_cmd(batch, out, "2/3"), "", env, 120);
    CHECK_MESSAGE(again.code == 0, again.err);
    const auto docs = json_lines(again.out);
    CHECK(pngs_under(mine) == docs.size());
    CHECK(created(cloud) == static_cast<long>(docs.size()));  // what the killed run paid for was not paid again
    // --rate overrides the share.
    for (const char* k : {"1/3", "3/3"}) {
      auto cmd = shard_cmd(batch, out, k);
      cmd.insert(cmd.end(), {"--rate", "300/min"});
      auto r = box.run(cmd, "", {}, 120);
      CHECK(r.code == 0);
      CHECK(r.err.find("creates a minute") == std::string::npos);
    }
    CHECK(pngs_under(out) == 90);
    CHECK(created(cloud) == 90);
  }

  TEST_CASE("--shard usage errors, and a folder of another split is refused before anything is paid") {
    FakeCloud cloud({"--config-json", R"({"prediction_latency_ms":20})"});
    Sandbox box(cloud);
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    e2e::TempDir work;
    const auto batch = write_batch(work.path(), 12);
    const auto out = work.path() / "out";
    for (const char* bad : {"0/3", "4/3", "3", "x/y", "1/0"}) {
      auto r = box.run(shard_cmd(batch, out, bad));
      CHECK_MESSAGE(r.code == 2, bad);
      CHECK(r.err.find("--shard takes K/N") != std::string::npos);
    }
    auto single = box.run({"generate", "--model", "black-forest-labs/flux-schnell", "a fox", "--shard", "1/2"});
    CHECK(single.code == 2);
    CHECK(single.err.find("--batch") != std::string::npos);
    REQUIRE(box.run(shard_cmd(batch, out, "1/2")).code == 0);
    const long paid = created(cloud);
    auto other = box.run(shard_cmd(batch, out, "1/3"));
    CHECK(other.code == 2);
    CHECK_MESSAGE(other.err.find("split into 2 (shard-1-of-2), not 3") != std::string::npos, other.err);
    auto whole = box.run({"generate", "--model", "black-forest-labs/flux-schnell", "--batch", batch.string(), "-o",
                          out.string()});
    CHECK(whole.code == 2);
    CHECK(whole.err.find("--shard K/2") != std::string::npos);
    CHECK(created(cloud) == paid);
    // The same split finishes the batch.
    REQUIRE(box.run(shard_cmd(batch, out, "2/2")).code == 0);
    CHECK(pngs_under(out) == 12);
    CHECK(created(cloud) == 12);
  }
}
