// The one planner: provider mappings, -n split, seeds and keys.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "photoagent/store/database.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/workflows/batch_file.hpp"
#include "photoagent/workflows/generate.hpp"
#include "photoagent/workflows/generate_job.hpp"
#include "flux_rig.hpp"
#include "support.hpp"

using namespace photoagent;
using nlohmann::json;

namespace {

// A model whose schema takes prompt, seed, aspect_ratio, output_format and
// up to 4 num_outputs, served from the stub (official: model route).
struct Rig : testing::FluxRig {
  workflows::PredictionRunner runner{db, api, limiter, [](std::chrono::milliseconds) {}};
  workflows::Generator gen{db, config, api, runner, std::nullopt};
  Rig()
      : FluxRig({{"prompt", {{"type", "string"}}},
                 {"seed", {{"type", "integer"}}},
                 {"aspect_ratio", {{"type", "string"}}},
                 {"output_format", {{"type", "string"}}},
                 {"num_outputs", {{"type", "integer"}, {"maximum", 4}}}}) {}
};

workflows::GenerateRequest request(const std::string& prompt, int n = 1) {
  workflows::GenerateRequest r;
  r.prompt = prompt;
  r.n = n;
  r.out_dir = "/tmp/out";
  return r;
}

}  // namespace

TEST_SUITE("workflows::generate plan") {
  TEST_CASE("-n splits into predictions of at most num_outputs; seeds are derived, stable and distinct") {
    Rig rig;
    auto plans = rig.gen.plan(request("a fox", 10));
    REQUIRE(plans.size() == 3);  // 4 + 4 + 2
    int images = 0;
    for (const auto& p : plans) {
      const auto in = json::parse(p.input_json);
      images += in["num_outputs"].get<int>();
      CHECK(in["seed"].is_number_integer());
      CHECK(in["prompt"] == "a fox");
      CHECK(in["output_format"] == "png");
      CHECK(p.provider == workflows::Provider::replicate);
    }
    CHECK(images == 10);
    CHECK(plans[0].seed != plans[1].seed);
    CHECK(plans[0].key != plans[1].key);
    auto again = rig.gen.plan(request("a fox", 10));
    for (std::size_t i = 0; i < plans.size(); ++i) {
      CHECK(again[i].key == plans[i].key);  // a rerun asks for exactly the same thing
      CHECK(again[i].seed == plans[i].seed);
    }
  }

  TEST_CASE("a given seed is used as is, one more per piece; the output folder is part of the key") {
    Rig rig;
    auto r = request("a fox", 8);
    r.seed = 100;
    auto plans = rig.gen.plan(r);
    REQUIRE(plans.size() == 2);
    CHECK(plans[0].seed == 100);
    CHECK(plans[1].seed == 101);
    auto elsewhere = r;
    elsewhere.out_dir = "/tmp/other";
    CHECK(rig.gen.plan(elsewhere)[0].key != plans[0].key);
    auto slash = r;
    slash.out_dir = "/tmp/out/";
    CHECK(rig.gen.plan(slash)[0].key == plans[0].key);  // out and out/ are one folder
  }

  TEST_CASE("identical unseeded batch lines stay distinct; a line's id is its key") {
    Rig rig;
    std::istringstream in("{\"prompt\":\"a cat\"}\n{\"prompt\":\"a cat\"}\n{\"prompt\":\"a cat\",\"id\":\"x1\"}\n");
    auto lines = workflows::read_batch(in, "-", request("unused"));
    REQUIRE(lines.size() == 3);
    lines[1].request.occurrence = 1;
    auto a = rig.gen.plan(lines[0].request);
    auto b = rig.gen.plan(lines[1].request);
    auto c = rig.gen.plan(lines[2].request);
    CHECK(a[0].key != b[0].key);
    CHECK(a[0].seed != b[0].seed);
    CHECK(c[0].line_id == "x1");
    auto c2 = lines[2].request;
    c2.prompt = "a cat, edited";
    CHECK(rig.gen.plan(c2)[0].key == c[0].key);  // the id names the item whatever its text
  }

  TEST_CASE("Hugging Face inference maps to inputs/parameters, one image per request, the seed in parameters") {
    Rig rig;
    auto r = request("a lighthouse", 2);
    r.provider = "huggingface";
    r.model = "stabilityai/stable-diffusion-3-medium-diffusers";
    r.aspect = "3:4";
    r.steps = 20;
    auto plans = rig.gen.plan(r);
    REQUIRE(plans.size() == 2);
    const auto in = json::parse(plans[0].input_json);
    CHECK(in["inputs"] == "a lighthouse");
    CHECK(in["parameters"]["width"] == 768);
    CHECK(in["parameters"]["height"] == 1024);
    CHECK(in["parameters"]["num_inference_steps"] == 20);
    CHECK(in["parameters"]["seed"].is_number_integer());
    CHECK_FALSE(in.contains("num_outputs"));
    CHECK(plans[0].provider == workflows::Provider::huggingface);
    CHECK(plans[0].key != plans[1].key);
    r.model = "not a repo";
    CHECK_THROWS_AS(rig.gen.plan(r), util::Error);
    rig.t->seen();  // the Replicate model was never asked for: the route must still be used once
    rig.gen.plan(request("use the route"));
  }

  TEST_CASE("bad requests are refused before anything is sent") {
    Rig rig;
    CHECK_THROWS_AS(rig.gen.plan(request("   ")), util::Error);
    CHECK_THROWS_AS(rig.gen.plan(request("x", 0)), util::Error);
    auto r = request("x");
    r.provider = "midjourney";
    CHECK_THROWS_AS(rig.gen.plan(r), util::Error);
    rig.gen.plan(request("use the route"));
  }
}

TEST_SUITE("workflows::generate job") {
  TEST_CASE("a dry run reports every planned prediction and the estimate; bad lines are counted, nothing is sent") {
    Rig rig;
    workflows::GenerateJob job(rig.db, rig.config, rig.api, rig.limiter, std::nullopt);
    std::istringstream in("{\"prompt\":\"a cat\",\"n\":5}\n{\"promt\":\"typo\"}\nnot json\n{\"prompt\":\"a dog\"}\n");
    workflows::GenerateJobSpec spec;
    spec.request = request("unused");
    spec.batch = "-";
    spec.stdin_stream = &in;
    spec.dry_run = true;
    auto report = job.run(spec, {});
    CHECK(report.planned == 3);  // 5 images in 4 + 1, then 1
    CHECK(report.dry_run.size() == 3);
    REQUIRE(report.bad_lines.size() == 2);
    CHECK(report.bad_lines[0].first == "stdin:2");
    CHECK(report.bad_lines[0].second.find("promt") != std::string::npos);
    CHECK(report.estimate_known);
    CHECK(report.estimate_usd > 0);
    CHECK(report.exit_code() == static_cast<int>(util::ExitCode::partial));
    for (const auto& r : rig.t->seen()) CHECK(r.method == "GET");  // schemas only: nothing created
  }

  TEST_CASE("every item of a batch ends as one result event; damaged outputs are failures, counted once each") {
    Rig rig;
    auto answer = [](const net::Request& req) {
      const auto in = json::parse(req.body)["input"];
      json p = {{"id", "p" + std::to_string(in["seed"].get<long long>())},
                {"status", "processing"},
                {"input", in},
                {"output", json::array({"data:image/png;base64,iVBORw0KGgo="})},
                {"created_at", "2026-12-04T10:00:00Z"}};
      return net::Response{201, {}, p.dump()};
    };
    rig.t->on("POST", "/models/black-forest-labs/flux-schnell/predictions", answer, 3);
    workflows::GenerateJob job(rig.db, rig.config, rig.api, rig.limiter, std::nullopt);
    testing::TempDir out;
    std::istringstream in("{\"prompt\":\"a\"}\n{\"prompt\":\"b\"}\n{\"prompt\":\"c\"}\n");
    workflows::GenerateJobSpec spec;
    spec.request = request("unused");
    spec.request.out_dir = out.path();
    spec.batch = "-";
    spec.stdin_stream = &in;
    spec.concurrency = 3;
    std::size_t events = 0;
    workflows::GenerateEvents ev;
    ev.on_result = [&](const workflows::GenerateResult&) { ++events; };
    auto report = job.run(spec, ev);
    CHECK(events == 3);
    CHECK(report.planned == 3);
    CHECK(report.items.size() == 3);
    // The data URI is not a real PNG: every item fails (damaged output), none is lost.
    CHECK(report.failed == 3);
    CHECK(report.exit_code() == 1);
    CHECK(report.images == 0);
  }
}
