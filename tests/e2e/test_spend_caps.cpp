// Spend caps (--max-cost, --max-predictions) and status --spend by day.
#include <doctest/doctest.h>

#include <ctime>
#include <fstream>

#include "harness.hpp"
#include "helpers.hpp"
#include "pictures.hpp"

using e2e::FakeCloud;
using e2e::Sandbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Till : e2e::ReplicateLab {
  explicit Till(const std::string& config = R"({"prediction_latency_ms":100})") : ReplicateLab(config) {}
  fs::path batch(const std::string& name, int n) {
    auto path = out.path() / name;
    std::ofstream f(path);
    for (int i = 0; i < n; ++i) f << json{{"prompt", "a harbour at dawn, study " + std::to_string(i)}}.dump() << "\n";
    return path;
  }
};

std::size_t pngs(const fs::path& dir) {
  std::size_t n = 0;
  if (!fs::exists(dir)) return 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.path().extension() == ".png";
  return n;
}

std::string today_utc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace

TEST_SUITE("e2e::spend_caps") {
  TEST_CASE("an estimate over --max-cost exits 2 with the estimate, creating nothing") {
    Till t;
    const auto file = t.batch("b.jsonl", 20);  // flux-schnell: $0.003 an image, $0.06 in all
    auto r = t.box.run({"generate", "--batch", file.string(), "-o", (t.out.path() / "o").string(), "--max-cost", "0.03"});
    CHECK(r.code == 2);
    CHECK_MESSAGE(r.err.find("$0.0600") != std::string::npos, r.err);
    CHECK(r.err.find("--max-cost $0.0300") != std::string::npos);
    CHECK(t.created() == 0);
    // The config default is a cap too; a flag overrides it.
    REQUIRE(t.box.run({"config", "set", "generate.max_cost", "0.01"}).code == 0);
    CHECK(t.box.run({"generate", "a lighthouse", "-n", "4", "-o", (t.out.path() / "o").string()}).code == 2);
    CHECK(t.created() == 0);
    auto ok = t.box.run({"generate", "a lighthouse", "-n", "4", "-o", (t.out.path() / "o").string(), "--max-cost", "1"});
    CHECK_MESSAGE(ok.code == 0, ok.err);
    CHECK(t.created() == 1);
  }

  TEST_CASE("--max-predictions stops a batch mid-way (exit 6, one line); reruns go on and pay nothing twice") {
    Till t;
    const auto file = t.batch("b.jsonl", 20);
    const auto dir = t.out.path() / "o";
    auto first = t.box.run({"generate", "--batch", file.string(), "-o", dir.string(), "--max-predictions", "7",
                            "--concurrency", "4"});
    CHECK(first.code == 6);
    CHECK_MESSAGE(first.err.find("spend cap reached: --max-predictions 7; 7 predictions paid this run") != std::string::npos,
                  first.err);
    CHECK(first.err.find("13 items not started") != std::string::npos);
    CHECK(t.created() == 7);
    CHECK(pngs(dir) == 7);
    auto second = t.box.run({"generate", "--batch", file.string(), "-o", dir.string(), "--max-predictions", "7"});
    CHECK(second.code == 6);
    CHECK(t.created() == 14);
    auto last = t.box.run({"generate", "--batch", file.string(), "-o", dir.string(), "--max-predictions", "100"});
    CHECK_MESSAGE(last.code == 0, last.err);
    CHECK(t.created() == 20);
    CHECK(pngs(dir) == 20);
  }

  TEST_CASE("--max-cost mid-batch: run time beyond the estimate stops creating; what is in flight finishes") {
    // A model billed by the second, answered after the sync wait (so its run
    // time is known as each finishes), costing about twice the estimate.
    Till t(R"({"prediction_latency_ms":2500})");
    for (auto kv : {std::pair{"prices", R"({"gpu-h100":0.01})"}, std::pair{"generate.estimate_seconds", "1"},
                    std::pair{"replicate.wait_seconds", "1"}})
      REQUIRE(t.box.run({"config", "set", kv.first, kv.second}).code == 0);
    const auto file = t.batch("b.jsonl", 12);  // estimate 12 x $0.01 = $0.12
    const auto dir = t.out.path() / "o";
    auto r = t.box.run({"generate", "--model", "stability-ai/sdxl", "--batch", file.string(), "-o", dir.string(),
                        "--max-cost", "0.13", "--concurrency", "4"}, "", {}, 120);
    CHECK(r.code == 6);
    CHECK_MESSAGE(r.err.find("spend cap reached: --max-cost $0.1300") != std::string::npos, r.err);
    const long paid = t.created();
    CHECK(paid < 12);
    CHECK(paid >= 4);
    CHECK(pngs(dir) == static_cast<std::size_t>(paid));  // in flight finished with its files
    auto rerun = t.box.run({"generate", "--model", "stability-ai/sdxl", "--batch", file.string(), "-o", dir.string(),
                            "--max-cost", "1", "--concurrency", "4"}, "", {}, 120);
    CHECK_MESSAGE(rerun.code == 0, rerun.err);
    CHECK(t.created() == 12);
    CHECK(pngs(dir) == 12);
  }

  TEST_CASE("status --spend by day, with --since") {
    Till t;
    REQUIRE(t.box.run({"generate", "a lighthouse", "-n", "2", "-o", t.out.path().string()}).code == 0);
    auto r = t.box.run({"status", "--spend", "--by", "day", "--offline", "--json"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto rows = r.json();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["day"] == today_utc());
    CHECK(rows[0]["predictions"] == 1);
    CHECK(rows[0]["prediction_cost_usd"].get<double>() == doctest::Approx(0.006));
    auto later = t.box.run({"status", "--spend", "--by", "day", "--since", "2999-01-01", "--offline", "--json"});
    REQUIRE(later.code == 0);
    CHECK(later.json().empty());
    auto table = t.box.run({"status", "--spend", "--by", "day", "--since", today_utc(), "--offline"});
    CHECK(table.out.find(today_utc()) != std::string::npos);
    CHECK(t.box.run({"status", "--spend", "--since", "yesterday"}).code == 2);
    CHECK(t.box.run({"status", "--since", "2020-01-01"}).code == 2);
  }
}
