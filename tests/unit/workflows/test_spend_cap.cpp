// SpendCap: admission against recorded + in-flight cost, the closed state,
// release and settle, and many threads asking at once.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "../support.hpp"
#include "photoagent/util/env.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/workflows/config.hpp"
#include "photoagent/workflows/spend_cap.hpp"

using namespace photoagent;
using workflows::SpendCap;
using workflows::SpendLimits;

namespace {
SpendLimits usd(double max) {
  SpendLimits l;
  l.max_usd = max;
  return l;
}
SpendCap::Estimator flat(double each) {
  return [each](const std::string&, const std::string&) { return each; };
}
}  // namespace

TEST_SUITE("workflows::spend_cap") {
  TEST_CASE("in-flight estimates count: the create that would pass the cap is refused and closes it") {
    SpendCap cap(usd(0.10), flat(0.03));
    CHECK(cap.admit("a", "m", "{}"));
    CHECK(cap.admit("b", "m", "{}"));
    CHECK(cap.admit("c", "m", "{}"));  // 0.09
    CHECK_FALSE(cap.admit("d", "m", "{}"));  // 0.12 would pass 0.10
    CHECK(cap.closed());
    cap.release("a");  // nothing paid for a; the cap stays closed all the same
    CHECK_FALSE(cap.admit("e", "m", "{}"));
    CHECK(cap.predictions() == 2);
    CHECK(cap.committed_usd() == doctest::Approx(0.06));
  }

  TEST_CASE("asking again for an admitted key is free; settle replaces the estimate by the cost") {
    SpendCap cap(usd(0.10), flat(0.05));
    CHECK(cap.admit("a", "m", "{}"));
    CHECK(cap.admit("a", "m", "{}"));
    CHECK(cap.predictions() == 1);
    cap.settle("a", 0.01);
    cap.settle("zzz", 5.0);  // never admitted: not this run's
    cap.settle("a", -1);     // unknown: the last figure stays
    CHECK(cap.committed_usd() == doctest::Approx(0.01));
    CHECK(cap.admit("b", "m", "{}"));  // 0.06
    cap.settle("b", 0.08);             // ran longer than estimated: 0.09 recorded
    CHECK_FALSE(cap.admit("c", "m", "{}"));
    CHECK(cap.reached_message(3).find("spend cap reached: --max-cost $0.1000; 2 predictions paid this run") == 0);
    CHECK(cap.reached_message(3).find("3 items not started") != std::string::npos);
  }

  TEST_CASE("--max-predictions counts creates; 0 admits none") {
    SpendLimits l;
    l.max_predictions = 2;
    SpendCap cap(l, flat(1000));
    CHECK(cap.admit("a", "m", "{}"));
    CHECK(cap.admit("b", "m", "{}"));
    CHECK_FALSE(cap.admit("c", "m", "{}"));
    SpendLimits none;
    none.max_predictions = 0;
    SpendCap zero(none, flat(0));
    CHECK_FALSE(zero.admit("a", "m", "{}"));
  }

  TEST_CASE("64 threads racing for a cap of 10 admit exactly 10") {
    SpendCap cap(usd(1.0), flat(0.1));
    std::atomic<int> admitted{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 64; ++i)
      threads.emplace_back([&, i] { admitted += cap.admit("k" + std::to_string(i), "m", "{}") ? 1 : 0; });
    for (auto& t : threads) t.join();
    CHECK(admitted == 10);
    CHECK(cap.predictions() == 10);
    CHECK(cap.closed());
  }

  TEST_CASE("the estimate check and the limits from flags or config") {
    testing::TempDir dir;
    const util::FixedEnv env({});
    workflows::Config config{dir.path() / "config.json", env};
    CHECK_FALSE(workflows::spend_limits(config, "generate", std::nullopt, std::nullopt).any());
    config.set("generate.max_cost", "2.5");
    config.set("train.max_predictions", "1");
    CHECK(*workflows::spend_limits(config, "generate", std::nullopt, std::nullopt).max_usd == doctest::Approx(2.5));
    CHECK(*workflows::spend_limits(config, "generate", 1.0, std::nullopt).max_usd == doctest::Approx(1.0));
    CHECK(*workflows::spend_limits(config, "train", std::nullopt, std::nullopt).max_predictions == 1);
    config.set("generate.max_cost", "lots");
    CHECK_THROWS_AS(workflows::spend_limits(config, "generate", std::nullopt, std::nullopt), util::Error);
    CHECK_NOTHROW(workflows::check_estimate(usd(1.0), 1.0, 3, "this batch"));
    try {
      workflows::check_estimate(usd(1.0), 1.25, 3, "this batch");
      FAIL("over the cap");
    } catch (const util::Error& e) {
      CHECK(e.exit_code() == 2);
      CHECK(e.message() == "this batch is estimated at $1.25 for 3 paid predictions, over --max-cost $1.00; nothing was paid");
    }
  }

  TEST_CASE("estimates: per-image prices, else estimate_seconds of H100 time per image") {
    testing::TempDir dir;
    const util::FixedEnv env({});
    workflows::Config config{dir.path() / "config.json", env};
    CHECK(workflows::estimate_prediction_cost(config, "black-forest-labs/flux-schnell", R"({"num_outputs":4})") ==
          doctest::Approx(0.012));
    CHECK(workflows::estimate_prediction_cost(config, "ada-lab/ada", "{}") == doctest::Approx(10 * 0.001525));
    config.set("generate.estimate_seconds", "2");
    CHECK(workflows::estimate_prediction_cost(config, "ada-lab/ada", R"({"num_outputs":3})") ==
          doctest::Approx(6 * 0.001525));
  }
}
