// The Hub's "wait and ask again" answers wait through the client's sleeper
// (as retries do), so tests and fuzzers run them at once and a caller sees
// the wait the Hub asked for, capped.
#include <doctest/doctest.h>

#include <chrono>
#include <vector>

#include "photoagent/services/huggingface/inference.hpp"
#include "photoagent/services/huggingface/repo.hpp"
#include "support.hpp"

using namespace photoagent;

namespace {

struct Rig {
  std::vector<std::chrono::milliseconds> waits;
  std::shared_ptr<testing::ScriptedTransport> t = std::make_shared<testing::ScriptedTransport>();
  net::Client client{t, net::RetryPolicy{}, [this](std::chrono::milliseconds d) { waits.push_back(d); }};
  services::Api api{client, services::Service::huggingface, "hf_secret", "https://hub.test"};
};

}  // namespace

TEST_SUITE("services::huggingface waits") {
  TEST_CASE("a model still loading is waited for as long as the Hub says, capped at 60 s") {
    Rig r;
    r.t->respond(503, R"({"error":"Model is currently loading","estimated_time":20.5})");
    r.t->respond(503, R"({"error":"Model is currently loading","estimated_time":99999})");
    r.t->respond(200, "\x89PNG\r\n\x1a\n", {{"content-type", "image/png"}});
    CHECK(services::huggingface::text_to_image(r.api, "stabilityai/sd", R"({"inputs":"a cat"})") == "\x89PNG\r\n\x1a\n");
    REQUIRE(r.waits.size() == 2);
    CHECK(r.waits[0] == std::chrono::milliseconds(20'500));
    CHECK(r.waits[1] == std::chrono::seconds(60));
  }

  TEST_CASE("a repo create the Hub holds for a conflicting operation is asked again after a backoff") {
    Rig r;
    // whoami first: a classic write token of user ada.
    r.t->on("GET", "/api/whoami-v2",
            200, R"({"type":"user","name":"ada","orgs":[],"auth":{"type":"access_token","accessToken":{"displayName":"ci","role":"write"}}})");
    r.t->respond(409, R"({"error":"A conflicting operation is in progress for this repository"})");
    r.t->respond(200, R"({"url":"https://hub.test/ada/lora"})");
    CHECK(services::huggingface::create_repo(r.api, "ada/lora"));
    CHECK(r.waits.size() == 1);
  }
}
