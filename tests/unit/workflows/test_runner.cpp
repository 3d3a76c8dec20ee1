#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "photoagent/services/replicate/model_ref.hpp"
#include "photoagent/services/replicate/predictions.hpp"
#include "photoagent/store/database.hpp"
#include "photoagent/util/clock.hpp"
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

  // GET /models/{o}/{n} for the model run (official unless told otherwise):
  // the runner asks once whether it has a model route.
  void model(const std::string& name = "black-forest-labs/flux-schnell", bool official = true,
             const std::string& latest = "dp-123") {
    t->on("GET", "/models/" + name,
          200, json{{"owner", name.substr(0, name.find('/'))}, {"name", name.substr(name.find('/') + 1)},
                    {"is_official", official}, {"latest_version", {{"id", latest}}}}.dump());
  }

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
    for (const auto& r : t->seen()) n += r.method == "POST" && r.url.ends_with("/predictions");
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
    rig.model();
    rig.t->expect([](const net::Request& r) {
      CHECK(r.url == "https://api.example/v1/models/black-forest-labs/flux-schnell/predictions");
      bool wait = false;
      for (const auto& [k, v] : r.headers) wait = wait || (k == "Prefer" && v == "wait=60");
      CHECK(wait);
      CHECK_FALSE(r.idempotent);
      return net::Response{201, {}, prediction("p1", "succeeded")};
    });
    auto row = rig.runner.run(rig.spec());
    CHECK(store::to_string(row.status) == "succeeded");
    CHECK(row.replicate_id == "p1");
    CHECK(row.predict_time == doctest::Approx(1.5));
    auto again = rig.runner.run(rig.spec());
    CHECK(again.id == row.id);
    CHECK(rig.creates() == 1);
    CHECK(rig.t->seen().size() == 2);  // the model's route, once; the create
  }

  TEST_CASE("sync mode's 'processing' answer with the output present is accepted without polling") {
    Rig rig;
    rig.model();
    auto p = json::parse(prediction("p7", "processing"));
    p["output"] = json::array({"https://x/out-0.png"});
    p.erase("metrics");
    rig.t->respond(201, p.dump());
    auto row = rig.runner.run(rig.spec());
    CHECK(store::to_string(row.status) == "succeeded");
    CHECK(row.predict_time < 0);  // a sync answer has no metrics: fetched later
    CHECK(rig.t->seen().size() == 2);
  }

  TEST_CASE("a running prediction is polled until it ends") {
    Rig rig;
    rig.model();
    rig.t->respond(201, prediction("p2", "starting"));
    rig.t->respond(200, prediction("p2", "processing"));
    rig.t->respond(200, prediction("p2", "succeeded"));
    auto row = rig.runner.run(rig.spec());
    CHECK(store::to_string(row.status) == "succeeded");
    CHECK(rig.t->seen()[2].url == "https://api.example/v1/predictions/p2");
  }

  TEST_CASE("connection lost after sending: the list finds it, no second create") {
    Rig rig;
    rig.model();
    rig.t->fail(Kind::other, /*nothing_sent=*/false);
    rig.t->respond(200, page({prediction("other", "succeeded", "a dog"), prediction("p3", "processing")}));
    rig.t->respond(200, prediction("p3", "succeeded"));
    auto row = rig.runner.run(rig.spec());
    CHECK(row.replicate_id == "p3");
    CHECK(store::to_string(row.status) == "succeeded");
    CHECK(rig.creates() == 1);
    CHECK(rig.t->seen()[2].url.find("/predictions?created_after=") != std::string::npos);
  }

  TEST_CASE("a 5xx on create is treated as maybe-created; when the list has nothing, it is created again") {
    Rig rig;
    rig.model();
    rig.t->respond(502, "<html>bad gateway</html>");
    rig.t->respond(200, page({}));
    rig.t->respond(201, prediction("p4", "succeeded"));
    auto row = rig.runner.run(rig.spec());
    CHECK(row.replicate_id == "p4");
    CHECK(rig.creates() == 2);
  }

  TEST_CASE("a refused create (422) leaves no intent behind and says why") {
    Rig rig;
    rig.model();
    rig.t->respond(422, R"({"detail":"- input.seed: must be an integer\n","status":422,"title":"Input validation failed"})");
    try {
      rig.runner.run(rig.spec());
      FAIL("no error");
    } catch (const util::Error& e) {
      CHECK(e.message().find("input.seed") != std::string::npos);
    }
    CHECK(rig.db.sql().execAndGet("SELECT COUNT(*) FROM predictions").getInt() == 0);
  }

  TEST_CASE("a community model runs its latest version by the version route, told by is_official up front") {
    Rig rig;
    const std::string v(64, 'a');
    rig.model("salesforce/blip", false, v);
    auto spec = rig.spec();
    spec.model = services::replicate::parse_model_ref("salesforce/blip");
    spec.key = workflows::prediction_key(spec.purpose, spec.model, spec.input_json);
    rig.t->expect([&](const net::Request& r) {
      CHECK(r.url == "https://api.example/v1/predictions");
      CHECK(json::parse(r.body)["version"] == v);
      auto p = json::parse(prediction("p5", "succeeded"));
      p["model"] = "salesforce/blip";
      return net::Response{201, {}, p.dump()};
    });
    auto row = rig.runner.run(spec);
    CHECK(row.version == v);
    CHECK(store::to_string(row.status) == "succeeded");
  }

  TEST_CASE("the model route refusing with 422 'Invalid version' falls back to the latest version") {
    Rig rig;
    const std::string v(64, 'b');
    rig.model("black-forest-labs/flux-schnell", true, v);  // says official, but the model route is refused
    rig.t->respond(422, R"x({"title":"Invalid version or not permitted","detail":"The specified version does not exist (or perhaps you don't have permission to use it?)","status":422})x");
    rig.t->expect([&](const net::Request& r) {
      CHECK(r.url == "https://api.example/v1/predictions");
      CHECK(json::parse(r.body)["version"] == v);
      return net::Response{201, {}, prediction("p9", "succeeded")};
    });
    auto row = rig.runner.run(rig.spec());
    CHECK(row.version == v);
    CHECK(rig.creates() == 2);
    CHECK(rig.db.sql().execAndGet("SELECT COUNT(*) FROM predictions").getInt() == 1);
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

  TEST_CASE("reconciliation never compares model or version: an internal name and a newer version are adopted") {
    Rig rig;
    rig.model();
    rig.t->fail(Kind::other, /*nothing_sent=*/false);
    auto listed = json::parse(prediction("p10", "succeeded"));
    listed["model"] = "replicate-internal/flux-schnell-int8";
    listed["version"] = std::string(64, 'f');
    rig.t->respond(200, page({listed.dump()}));
    auto row = rig.runner.run(rig.spec());
    CHECK(row.replicate_id == "p10");
    CHECK(store::to_string(row.status) == "succeeded");
    CHECK(rig.creates() == 1);
  }

  TEST_CASE("a data URI listed back as a URL matches by presence only when it is the one candidate") {
    auto spec_for = [](Rig& rig) {
      auto s = rig.spec();
      s.purpose = "caption";
      s.input_json = json{{"image", "data:image/jpeg;base64,QUJD"}, {"task", "image_captioning"}}.dump();
      s.key = workflows::prediction_key(s.purpose, s.model, s.input_json);
      return s;
    };
    auto listed = [](const std::string& id) {
      auto p = json::parse(prediction(id, "succeeded"));
      p["input"] = {{"image", "https://replicate.delivery/pbxt/" + id + "/upload.jpg"}, {"task", "image_captioning"}};
      return p.dump();
    };
    SUBCASE("one candidate: adopted") {
      Rig rig;
      rig.model();
      rig.t->fail(Kind::other, false);
      rig.t->respond(200, page({listed("p11")}));
      auto row = rig.runner.run(spec_for(rig));
      CHECK(row.replicate_id == "p11");
      CHECK(rig.creates() == 1);
    }
    SUBCASE("two candidates: unknown, nothing created, and a rerun creates nothing either") {
      Rig rig;
      rig.model();
      rig.t->fail(Kind::other, false);
      rig.t->respond(200, page({listed("p12"), listed("p13")}));
      auto row = rig.runner.run(spec_for(rig));
      CHECK(store::to_string(row.status) == "unknown");
      CHECK(row.error.find("--retry-unknown") != std::string::npos);
      rig.t->respond(200, page({listed("p12"), listed("p13")}));  // the rerun looks once more
      auto again = rig.runner.run(spec_for(rig));
      CHECK(store::to_string(again.status) == "unknown");
      CHECK(rig.creates() == 1);
    }
    SUBCASE("the same data URI listed back verbatim is an exact match among many") {
      Rig rig;
      rig.model();
      rig.t->fail(Kind::other, false);
      auto mine = json::parse(prediction("p14", "succeeded"));
      mine["input"] = {{"image", "data:image/jpeg;base64,QUJD"}, {"task", "image_captioning"}};
      rig.t->respond(200, page({listed("p15"), mine.dump(), listed("p16")}));
      auto row = rig.runner.run(spec_for(rig));
      CHECK(row.replicate_id == "p14");
    }
  }

  TEST_CASE("inputs removed after an hour: the row is unknown, never re-created silently; --retry-unknown creates it") {
    Rig rig;
    rig.model();
    rig.t->fail(Kind::other, false);
    auto removed = json::parse(prediction("p20", "succeeded"));
    removed["input"] = json::object();
    removed["output"] = nullptr;
    removed["data_removed"] = true;
    rig.t->respond(200, page({removed.dump()}));
    auto row = rig.runner.run(rig.spec());
    CHECK(store::to_string(row.status) == "unknown");
    CHECK(rig.creates() == 1);
    auto spec = rig.spec();
    spec.retry_unknown = true;
    rig.t->respond(200, page({removed.dump()}));  // looked at once more first
    rig.t->respond(201, prediction("p21", "succeeded"));
    auto again = rig.runner.run(spec);
    CHECK(store::to_string(again.status) == "succeeded");
    CHECK(again.replicate_id == "p21");
    CHECK(again.id != row.id);  // the unknown row stays as history
    CHECK(rig.creates() == 2);
  }

  TEST_CASE("the list failing makes the row unknown; the next run looks again and adopts what it finds") {
    Rig rig;
    rig.model();
    rig.t->fail(Kind::other, false);
    rig.t->respond(401, R"({"detail":"Invalid token.","status":401})");
    auto row = rig.runner.run(rig.spec());
    CHECK(store::to_string(row.status) == "unknown");
    rig.t->respond(200, page({prediction("p22", "succeeded")}));
    auto again = rig.runner.run(rig.spec());
    CHECK(again.id == row.id);
    CHECK(again.replicate_id == "p22");
    CHECK(store::to_string(again.status) == "succeeded");
    CHECK(rig.creates() == 1);
  }

  TEST_CASE("a success whose outputs were removed is expired; --retry-expired pays once more") {
    Rig rig;
    rig.model();
    auto gone = json::parse(prediction("p30", "succeeded"));
    gone["output"] = nullptr;
    gone["data_removed"] = true;
    rig.t->respond(201, gone.dump());
    auto row = rig.runner.run(rig.spec());
    CHECK(store::to_string(row.status) == "expired");
    CHECK(row.error.find("--retry-expired") != std::string::npos);
    auto again = rig.runner.run(rig.spec());  // no request: expired stays expired
    CHECK(store::to_string(again.status) == "expired");
    CHECK(rig.creates() == 1);
    auto spec = rig.spec();
    spec.retry_expired = true;
    rig.t->respond(201, prediction("p31", "succeeded"));
    auto paid = rig.runner.run(spec);
    CHECK(store::to_string(paid.status) == "succeeded");
    CHECK(paid.replicate_id == "p31");
    CHECK(rig.creates() == 2);
    CHECK(store::to_string(rig.runner.mark_expired(paid).status) == "expired");
  }

  TEST_CASE("run times missing after sync answers come from one list page, then a GET for the rest") {
    Rig rig;
    rig.model();
    auto sync = [](const std::string& id, const std::string& prompt) {
      auto p = json::parse(prediction(id, "processing", prompt));
      p["output"] = json::array({"https://x/" + id + ".png"});
      p.erase("metrics");
      return p.dump();
    };
    rig.t->respond(201, sync("p40", "a"));
    rig.t->respond(201, sync("p41", "b"));
    auto a = rig.runner.run(rig.spec("a"));
    auto b = rig.runner.run(rig.spec("b"));
    REQUIRE(a.predict_time < 0);
    rig.t->respond(200, page({prediction("p40", "succeeded", "a")}));  // p41 is not on the page
    auto b_done = json::parse(prediction("p41", "succeeded", "b"));
    b_done["metrics"]["predict_time"] = 2.25;
    rig.t->respond(200, b_done.dump());
    CHECK(rig.runner.fetch_predict_times({a, b}) == 2);
    CHECK(store::find_prediction_by_id(rig.db, a.id)->predict_time == doctest::Approx(1.5));
    CHECK(store::find_prediction_by_id(rig.db, b.id)->predict_time == doctest::Approx(2.25));
    CHECK(store::predictions_missing_predict_time(rig.db).empty());
  }

  TEST_CASE("polling gives up at max_poll on the clock it is given; a later resume finishes the row") {
    testing::TempDir dir;
    store::Database db{dir.path()};
    auto t = std::make_shared<testing::ScriptedTransport>();
    util::ManualClock clock;
    net::Client client{t, net::RetryPolicy{}, [](std::chrono::milliseconds) {}};
    services::Api api{client, services::Service::replicate, "r8_x", "https://api.example/v1"};
    net::SlidingWindowLimiter limiter{600, std::chrono::seconds(60)};
    workflows::PredictionRunner runner{db, workflows::replicate_backend(api), limiter,
                                       [&](std::chrono::milliseconds d) { clock.advance(d); }, clock};
    t->on("GET", "/models/black-forest-labs/flux-schnell", 200,
          json{{"is_official", true}, {"name", "flux-schnell"}}.dump());
    t->respond(201, prediction("p50", "starting"));
    t->on("GET", "/predictions/p50", 200, prediction("p50", "processing"), 6);
    workflows::RunSpec spec;
    spec.purpose = "generate";
    spec.model = services::replicate::parse_model_ref("black-forest-labs/flux-schnell");
    spec.input_json = json{{"prompt", "a cat"}, {"seed", 7}}.dump();
    spec.key = workflows::prediction_key(spec.purpose, spec.model, spec.input_json);
    spec.max_poll = std::chrono::seconds(10);
    auto row = runner.run(spec);
    CHECK(store::to_string(row.status) == "processing");  // still running when the time was up
    CHECK(clock.steady_now().time_since_epoch() >= std::chrono::seconds(10));
    t->respond(200, prediction("p50", "succeeded"));
    auto done = runner.resume(row, std::chrono::seconds(60));
    CHECK(store::to_string(done.status) == "succeeded");
  }

  TEST_CASE("a backend that keeps no jobs (synchronous inference): a lost answer is asked again, never 'unknown'") {
    struct Sync final : workflows::PredictionBackend {
      int creates = 0;
      workflows::Provider provider() const override { return workflows::Provider::huggingface; }
      std::string version_for(const services::replicate::ModelRef&) override { return ""; }
      services::replicate::Prediction create(const services::replicate::ModelRef&, const std::string&, int) override {
        if (++creates == 1) throw services::replicate::MaybeCreated("connection reset");
        services::replicate::Prediction p;
        p.status = "succeeded";
        p.output = R"(["data:image/png;base64,AAAA"])";
        return p;
      }
      bool keeps_jobs() const override { return false; }
      services::replicate::Prediction get(const std::string&) override { throw std::logic_error("no jobs"); }
      services::replicate::PredictionPage list(const std::string&, const std::string&, const std::string&) override {
        throw std::logic_error("no list");
      }
      std::string latest_version(const services::replicate::ModelRef&) override { return ""; }
    };
    testing::TempDir dir;
    store::Database db{dir.path()};
    net::SlidingWindowLimiter limiter{600, std::chrono::seconds(60)};
    auto backend = std::make_unique<Sync>();
    auto* sync = backend.get();
    workflows::PredictionRunner runner{db, std::move(backend), limiter, [](std::chrono::milliseconds) {}};
    workflows::RunSpec spec;
    spec.purpose = "generate";
    spec.model = services::replicate::parse_model_ref("stabilityai/sd3");
    spec.input_json = json{{"inputs", "a cat"}, {"parameters", {{"seed", 3}}}}.dump();
    spec.key = workflows::prediction_key(spec.purpose, spec.model, spec.input_json);
    auto row = runner.run(spec);
    CHECK(store::to_string(row.status) == "succeeded");
    CHECK(row.model == "hf:stabilityai/sd3");
    CHECK(sync->creates == 2);
    CHECK(runner.fetch_predict_times({row}) == 0);  // nothing to ask a service that keeps no jobs
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
