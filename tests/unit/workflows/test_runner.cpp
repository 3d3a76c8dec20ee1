#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "photoagent/store/database.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/workflows/runner.hpp"
#include "support.hpp"

using namespace photoagent;
using nlohmann::json;
using Kind = net::TransportError::Kind;

namespace {

struct Rig {
  testing::TempDir dir;
  store::Database db{dir.path()};
  std::shared_ptr<testing::ScriptedTransport> t = std::make_shared<testing::ScriptedTransport>();
  net::Client client{t, net::RetryPolicy{}, [](std::chrono::milliseconds) {}};
  services::Api api{client, services::Service::replicate, "r8_x", "https://api.example/v1"};
  net::SlidingWindowLimiter limiter{600, std::chrono::seconds(60)};
  workflows::PredictionRunner runner{db, api, limiter, [](std::chrono::milliseconds) {}};

  workflows::RunSpec spec(const std::string& prompt = "a cat") {
    workflows::RunSpec s;
    s.purpose = "generate";
    s.model = services::replicate::parse_model_ref("black-forest-labs/flux-schnell");
    s.input_json = json{{"prompt", prompt}, {"seed", 7}}.dump();
    s.key = workflows::prediction_key(s.purpose, s.model, s.input_json);
    return s;
  }
  int creates() const {
    int n = 0;
    for (const auto& r : t->requests) n += r.method == "POST" && r.url.ends_with("/predictions");
    return n;
  }
};

std::string prediction(const std::string& id, const std::string& status, const std::string& prompt = "a cat") {
  return json{{"id", id},
              {"model", "black-forest-labs/flux-schnell"},
              {"version", "dp-123"},
              {"status", status},
              {"input", {{"prompt", prompt}, {"seed", 7}}},
              {"output", status == "succeeded" ? json::array({"https://x/out-0.png"}) : json(nullptr)},
              {"created_at", "2026-11-21T05:40:00.000Z"},
              {"metrics", {{"predict_time", 1.5}}}}
      .dump();
}

std::string page(const std::vector<std::string>& items) {
  json results = json::array();
  for (const auto& i : items) results.push_back(json::parse(i));
  return json{{"results", results}, {"next", nullptr}}.dump();
}

}  // namespace

TEST_SUITE("workflows::runner") {
  TEST_CASE("a sync create that finishes is recorded; running it again costs nothing") {
    Rig rig;
    rig.t->expect([](const net::Request& r) {
      CHECK(r.url == "https://api.example/v1/models/black-forest-labs/flux-schnell/predictions");
      bool wait = false;
      for (const auto& [k, v] : r.headers) wait = wait || (k == "Prefer" && v == "wait=60");
      CHECK(wait);
      CHECK_FALSE(r.idempotent);
      return net::Response{201, {}, prediction("p1", "succeeded")};
    });
    auto row = rig.runner.run(rig.spec());
    CHECK(row.status == "succeeded");
    CHECK(row.replicate_id == "p1");
    CHECK(row.predict_time == doctest::Approx(1.5));
    auto again = rig.runner.run(rig.spec());
    CHECK(again.id == row.id);
    CHECK(rig.t->requests.size() == 1);
  }

  TEST_CASE("sync mode's 'processing' answer with the output present is accepted without polling") {
    Rig rig;
    auto p = json::parse(prediction("p7", "processing"));
    p["output"] = json::array({"https://x/out-0.png"});
    rig.t->respond(201, p.dump());
    auto row = rig.runner.run(rig.spec());
    CHECK(row.status == "succeeded");
    CHECK(rig.t->requests.size() == 1);
  }

  TEST_CASE("a running prediction is polled until it ends") {
    Rig rig;
    rig.t->respond(201, prediction("p2", "starting"));
    rig.t->respond(200, prediction("p2", "processing"));
    rig.t->respond(200, prediction("p2", "succeeded"));
    auto row = rig.runner.run(rig.spec());
    CHECK(row.status == "succeeded");
    CHECK(rig.t->requests[1].url == "https://api.example/v1/predictions/p2");
  }

  TEST_CASE("connection lost after sending: the list finds it, no second create") {
    Rig rig;
    rig.t->fail(Kind::other, /*nothing_sent=*/false);
    rig.t->respond(200, page({prediction("other", "succeeded", "a dog"), prediction("p3", "processing")}));
    rig.t->respond(200, prediction("p3", "succeeded"));
    auto row = rig.runner.run(rig.spec());
    CHECK(row.replicate_id == "p3");
    CHECK(row.status == "succeeded");
    CHECK(rig.creates() == 1);
    CHECK(rig.t->requests[1].url.find("/predictions?created_after=") != std::string::npos);
  }

  TEST_CASE("a 5xx on create is treated as maybe-created; when the list has nothing, it is created again") {
    Rig rig;
    rig.t->respond(502, "<html>bad gateway</html>");
    rig.t->respond(200, page({}));
    rig.t->respond(201, prediction("p4", "succeeded"));
    auto row = rig.runner.run(rig.spec());
    CHECK(row.replicate_id == "p4");
    CHECK(rig.creates() == 2);
  }

  TEST_CASE("a refused create (422) leaves no intent behind and says why") {
    Rig rig;
    rig.t->respond(422, R"({"detail":"- input.seed: must be an integer\n","status":422,"title":"Input validation failed"})");
    try {
      rig.runner.run(rig.spec());
      FAIL("no error");
    } catch (const util::Error& e) {
      CHECK(e.message().find("input.seed") != std::string::npos);
    }
    CHECK(rig.db.sql().execAndGet("SELECT COUNT(*) FROM predictions").getInt() == 0);
  }

  TEST_CASE("a community model without a model route runs its latest version") {
    Rig rig;
    auto spec = rig.spec();
    spec.model = services::replicate::parse_model_ref("salesforce/blip");
    spec.key = workflows::prediction_key(spec.purpose, spec.model, spec.input_json);
    const std::string v(64, 'a');
    rig.t->respond(404, R"({"detail":"The requested resource could not be found.","status":404})");
    rig.t->respond(200, json{{"latest_version", {{"id", v}}}}.dump());
    rig.t->expect([&](const net::Request& r) {
      CHECK(r.url == "https://api.example/v1/predictions");
      CHECK(json::parse(r.body)["version"] == v);
      auto p = json::parse(prediction("p5", "succeeded"));
      p["model"] = "salesforce/blip";
      return net::Response{201, {}, p.dump()};
    });
    auto row = rig.runner.run(spec);
    CHECK(row.version == v);
    CHECK(row.status == "succeeded");
  }

  TEST_CASE("a row left 'sent' by a crashed run is reconciled before anything is created") {
    Rig rig;
    auto spec = rig.spec();
    // Simulate the crash: intent written and marked sent by a process that is gone.
    store::PredictionRow intent;
    intent.key = spec.key;
    intent.purpose = spec.purpose;
    intent.model = spec.model.full();
    intent.input = workflows::canonical_input(spec.input_json);
    intent.input_digest = workflows::input_digest(spec.input_json);
    intent.claimed_by = 999999;  // no such process
    auto row = store::insert_prediction_intent(rig.db, intent);
    store::mark_prediction_sent(rig.db, row.id);
    rig.t->respond(200, page({prediction("p6", "succeeded")}));
    auto done = rig.runner.run(spec);
    CHECK(done.replicate_id == "p6");
    CHECK(rig.creates() == 0);
  }

  TEST_CASE("secrets and data URIs never reach the database") {
    auto canon = workflows::canonical_input(
        R"({"prompt":"x","hf_token":"hf_secret","image":"data:image/jpeg;base64,AAAA","nested":{"api_key":"k"}})");
    CHECK(canon.find("hf_secret") == std::string::npos);
    CHECK(canon.find("AAAA") == std::string::npos);
    CHECK(canon.find("\"api_key\":\"[redacted]\"") != std::string::npos);
    CHECK(canon.find("data:sha256,") != std::string::npos);
    CHECK(workflows::output_text(R"(["Cap", "tion"])") == "Caption");
    CHECK(workflows::output_text(R"("Caption: a dog")") == "Caption: a dog");
  }
}
