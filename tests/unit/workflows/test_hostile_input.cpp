// Hostile local input: batch lines that are not UTF-8, hold a NUL or a seed
// out of range fail alone; a duplicate prediction id fails one item.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "photoagent/services/replicate/model_ref.hpp"
#include "photoagent/store/database.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/workflows/batch_file.hpp"
#include "photoagent/workflows/generate.hpp"
#include "photoagent/workflows/runner.hpp"
#include "support.hpp"

using namespace photoagent;
using nlohmann::json;

namespace {

std::vector<workflows::BatchLine> read(const std::string& text, const std::string& name = "-") {
  std::istringstream in(text);
  workflows::GenerateRequest defaults;
  if (name == "-") return workflows::read_batch(in, "-", defaults);
  testing::TempDir dir;
  const auto path = dir.path() / name;
  std::ofstream(path, std::ios::binary) << text;
  std::istringstream none;
  return workflows::read_batch(none, path.string(), defaults);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const util::Error& e) {
    return e.message();
  }
  return "";
}

}  // namespace

TEST_SUITE("workflows::hostile input") {
  TEST_CASE("a JSON line that is not UTF-8 fails alone, naming the byte") {
    auto lines = read("{\"prompt\":\"ok\"}\n{\"prompt\":\"bad \xff\"}\n{\"prompt\":\"ok too\"}\n");
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].error.empty());
    CHECK(lines[1].error == "the line is not valid UTF-8 at byte 16");
    CHECK(lines[1].where == "stdin:2");
    CHECK(lines[2].error.empty());
  }

  TEST_CASE("a CSV line that is not UTF-8, or holds a NUL, fails alone; the others keep their text") {
    const std::string csv = std::string("prompt,seed\nok one,1\nbad \xff utf,2\nnul") + '\0' + "here,3\nok two,4\n";
    auto lines = read(csv, "b.csv");
    REQUIRE(lines.size() == 4);
    CHECK(lines[0].error.empty());
    CHECK(lines[0].request.prompt == "ok one");
    CHECK(lines[1].error == "the line is not valid UTF-8 at byte 5");
    CHECK(lines[2].error == "the line holds a NUL character at byte 4");
    CHECK(lines[3].error.empty());
    CHECK(lines[3].request.seed == 4);
  }

  TEST_CASE("a CSV header that is not UTF-8 stops the batch before anything") {
    CHECK(error_of([] { read("pro\xffmpt,seed\nx,1\n", "h.csv"); }).find("the header line is not valid UTF-8 at byte 4") !=
          std::string::npos);
  }

  TEST_CASE("seeds, -n and steps must be whole numbers in range: each bad line fails alone") {
    auto lines = read(
        "{\"prompt\":\"a\",\"seed\":1e300}\n{\"prompt\":\"b\",\"seed\":1.5}\n{\"prompt\":\"c\",\"seed\":-1}\n"
        "{\"prompt\":\"d\",\"seed\":4294967296}\n{\"prompt\":\"e\",\"seed\":18446744073709551615}\n"
        "{\"prompt\":\"f\",\"seed\":4294967295}\n{\"prompt\":\"g\",\"n\":1e300}\n{\"prompt\":\"h\",\"steps\":-5}\n"
        "{\"prompt\":\"i\",\"seed\":\"7\"}\n{\"prompt\":\"j\",\"seed\":0}\n");
    REQUIRE(lines.size() == 10);
    CHECK(lines[0].error == "\"seed\" must be a whole number from 0 to 4294967295, not 1e+300");
    CHECK(lines[1].error == "\"seed\" must be a whole number from 0 to 4294967295, not 1.5");
    CHECK(lines[2].error == "\"seed\" must be a whole number from 0 to 4294967295, not -1");
    CHECK_FALSE(lines[3].error.empty());
    CHECK_FALSE(lines[4].error.empty());
    CHECK(lines[5].error.empty());
    CHECK(lines[5].request.seed == 4294967295LL);
    CHECK(lines[6].error.find("\"n\" must be a whole number from 1 to 1000") == 0);
    CHECK(lines[7].error.find("\"steps\" must be a whole number from 1 to 500") == 0);
    CHECK_FALSE(lines[8].error.empty());
    CHECK(lines[9].error.empty());
    // CSV numbers go the same way.
    auto csv = read("prompt,seed\nx,1e300\ny,12\n", "s.csv");
    REQUIRE(csv.size() == 2);
    CHECK(csv[0].error.find("\"seed\" must be a whole number") == 0);
    CHECK(csv[1].request.seed == 12);
  }

  TEST_CASE("--batch of a folder or a missing file is refused before anything") {
    testing::TempDir dir;
    std::istringstream none;
    workflows::GenerateRequest defaults;
    try {
      workflows::read_batch(none, dir.path().string(), defaults);
      FAIL("a folder was read as a batch");
    } catch (const util::Error& e) {
      CHECK(e.exit_code() == 2);
      CHECK(e.message().find("is a folder") != std::string::npos);
    }
    try {
      workflows::read_batch(none, (dir.path() / "missing.jsonl").string(), defaults);
      FAIL("a missing file was read as a batch");
    } catch (const util::Error& e) {
      CHECK(e.exit_code() == 3);
    }
  }

  TEST_CASE("a JSON escape that makes a NUL is refused by the planner's text check") {
    auto lines = read("{\"prompt\":\"a\\u0000b\"}\n");
    REQUIRE(lines.size() == 1);
    REQUIRE(lines[0].error.empty());  // valid JSON...
    testing::TempDir dir;
    store::Database db{dir.path()};
    workflows::Config config{dir.path() / "config.json", util::FixedEnv({})};
    auto t = std::make_shared<testing::ScriptedTransport>();
    net::Client client{t, net::RetryPolicy{}, [](std::chrono::milliseconds) {}};
    services::Api api{client, services::Service::replicate, "r8_x", "https://api.example/v1"};
    net::SlidingWindowLimiter limiter{600, std::chrono::seconds(60)};
    workflows::PredictionRunner runner{db, api, limiter, [](std::chrono::milliseconds) {}};
    workflows::Generator gen{db, config, api, runner, std::nullopt};
    // ...but not a prompt: refused before any request (the transport has no stubs).
    CHECK(error_of([&] { gen.plan(lines[0].request); }) == "the prompt holds a NUL character at byte 2");
    auto r = lines[0].request;
    r.prompt = "bad \xff prompt";
    CHECK(error_of([&] { gen.plan(r); }) == "the prompt is not valid UTF-8 at byte 5");
    r.prompt = "fine";
    r.seed = 4294967296LL;
    CHECK(error_of([&] { gen.plan(r); }).find("the seed must be a whole number from 0 to 4294967295") == 0);
    r.seed = std::nullopt;
    r.model = "a/" + std::string(100000, 'b');
    CHECK(error_of([&] { gen.plan(r); }).find("is not a Replicate model") != std::string::npos);
    r.provider = "huggingface";
    CHECK(error_of([&] { gen.plan(r); }).find("--provider huggingface needs --model OWNER/NAME") == 0);
    // The Hugging Face aspect ratio is scanned, not matched by a regex.
    r.model = "stabilityai/stable-diffusion-3-medium-diffusers";
    r.aspect = std::string(100000, '9') + ":1";
    CHECK(error_of([&] { gen.plan(r); }).find("--aspect takes W:H") == 0);
    r.aspect = "3:4";
    auto hf = gen.plan(r);
    REQUIRE(hf.size() == 1);
    CHECK(json::parse(hf[0].input_json)["parameters"]["width"] == 768);
    CHECK(json::parse(hf[0].input_json)["parameters"]["height"] == 1024);
  }

  TEST_CASE("the same prediction id answered for two items: the second fails as unknown, nothing throws") {
    testing::TempDir dir;
    store::Database db{dir.path()};
    auto t = std::make_shared<testing::ScriptedTransport>();
    net::Client client{t, net::RetryPolicy{}, [](std::chrono::milliseconds) {}};
    services::Api api{client, services::Service::replicate, "r8_x", "https://api.example/v1"};
    net::SlidingWindowLimiter limiter{600, std::chrono::seconds(60)};
    workflows::PredictionRunner runner{db, api, limiter, [](std::chrono::milliseconds) {}};
    t->on("GET", "/models/black-forest-labs/flux-schnell", 200,
          json{{"owner", "black-forest-labs"}, {"name", "flux-schnell"}, {"is_official", true},
               {"latest_version", {{"id", "dp-123"}}}}.dump());
    auto answer = [](const std::string& prompt) {
      return json{{"id", "same-id"}, {"model", "black-forest-labs/flux-schnell"}, {"version", "dp-123"},
                  {"status", "succeeded"}, {"input", {{"prompt", prompt}}},
                  {"output", json::array({"https://x/out-0.png"})}, {"created_at", "2026-11-21T05:40:00.000Z"},
                  {"metrics", {{"predict_time", 1.5}}}}.dump();
    };
    t->respond(201, answer("a cat"));
    t->respond(201, answer("a dog"));
    auto spec = [](const std::string& prompt) {
      workflows::RunSpec s;
      s.purpose = "generate";
      s.model = services::replicate::parse_model_ref("black-forest-labs/flux-schnell");
      s.input_json = json{{"prompt", prompt}}.dump();
      s.key = workflows::prediction_key(s.purpose, s.model, s.input_json);
      return s;
    };
    auto first = runner.run(spec("a cat"));
    CHECK(store::to_string(first.status) == "succeeded");
    store::PredictionRow second;
    CHECK_NOTHROW(second = runner.run(spec("a dog")));  // was "UNIQUE constraint failed" out of the worker
    CHECK(store::to_string(second.status) == "unknown");
    CHECK(second.replicate_id.empty());
    CHECK(second.error.find("same-id") != std::string::npos);
    CHECK(second.error.find("already holds") != std::string::npos);
  }
}
