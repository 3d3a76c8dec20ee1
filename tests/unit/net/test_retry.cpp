#include <doctest/doctest.h>

#include <chrono>
#include <cmath>

#include "photoagent/net/retry.hpp"
#include "support.hpp"

using namespace photoagent::net;
using std::chrono::milliseconds;
using Kind = TransportError::Kind;

namespace {
struct Recorder {
  std::vector<milliseconds> sleeps;
  Sleeper sleeper() {
    return [this](milliseconds d) { sleeps.push_back(d); };
  }
};
Request get() { return Request{}; }
Request create() {
  Request r;
  r.method = "POST";
  r.idempotent = false;
  return r;
}
}  // namespace

TEST_SUITE("net::retry") {
  TEST_CASE("a GET is retried on 503 and connection failures, then succeeds") {
    auto t = std::make_shared<testing::ScriptedTransport>();
    t->respond(503, "busy");
    t->fail(Kind::other, false);
    t->respond(200, "ok");
    Recorder rec;
    Client c(t, {}, rec.sleeper());
    CHECK(c.send(get()).body == "ok");
    CHECK(rec.sleeps.size() == 2);
  }

  TEST_CASE("a create is not retried on 5xx: the outcome is unknown") {
    auto t = std::make_shared<testing::ScriptedTransport>();
    t->respond(502, "bad gateway");
    Recorder rec;
    Client c(t, {}, rec.sleeper());
    CHECK(c.send(create()).status == 502);
    CHECK(rec.sleeps.empty());
  }

  TEST_CASE("a create whose connection broke after sending is not repeated") {
    auto t = std::make_shared<testing::ScriptedTransport>();
    t->fail(Kind::other, /*nothing_sent=*/false);
    Recorder rec;
    Client c(t, {}, rec.sleeper());
    CHECK_THROWS_AS(c.send(create()), TransportError);
    CHECK(t->requests.size() == 1);
  }

  TEST_CASE("a create whose connection was refused is retried") {
    auto t = std::make_shared<testing::ScriptedTransport>();
    t->fail(Kind::connect, /*nothing_sent=*/true);
    t->respond(201, "{}");
    Recorder rec;
    Client c(t, {}, rec.sleeper());
    CHECK(c.send(create()).status == 201);
  }

  TEST_CASE("429 is retried for creates too, waiting as Retry-After says") {
    auto t = std::make_shared<testing::ScriptedTransport>();
    t->respond(429, "{}", {{"retry-after", "3"}});
    t->respond(201, "{}");
    Recorder rec;
    Client c(t, {}, rec.sleeper());
    CHECK(c.send(create()).status == 201);
    REQUIRE(rec.sleeps.size() == 1);
    CHECK(rec.sleeps[0] == milliseconds(3000));
  }

  TEST_CASE("attempts are bounded and the last answer is returned") {
    auto t = std::make_shared<testing::ScriptedTransport>();
    RetryPolicy p;
    p.max_attempts = 3;
    for (int i = 0; i < 3; ++i) t->respond(500, "down");
    Recorder rec;
    Client c(t, p, rec.sleeper());
    CHECK(c.send(get()).status == 500);
    CHECK(rec.sleeps.size() == 2);
  }

  TEST_CASE("4xx other than 408/429 is final at once") {
    auto t = std::make_shared<testing::ScriptedTransport>();
    t->respond(401, "{}");
    Recorder rec;
    Client c(t, {}, rec.sleeper());
    CHECK(c.send(get()).status == 401);
    CHECK(rec.sleeps.empty());
  }

  TEST_CASE("retry hints: header forms and Replicate's detail text") {
    CHECK(retry_hint(Response{429, {{"retry-after", "2"}}, ""}) == milliseconds(2000));
    CHECK(retry_hint(Response{429, {{"retry-after-ms", "250"}}, ""}) == milliseconds(250));
    CHECK(retry_hint(Response{429, {{"ratelimit", "\"api\";r=0;t=55"}}, ""}) == milliseconds(55000));
    CHECK(retry_hint(Response{429, {}, R"({"detail":"Request was throttled. Your rate limit resets in ~30s."})"}) ==
          milliseconds(30000));
    CHECK(retry_hint(Response{429, {}, R"({"detail":"Expected available in 1 second."})"}) == milliseconds(1000));
    CHECK(retry_hint(Response{429, {{"ratelimit-reset", "1"}}, ""}) == milliseconds(1000));
    CHECK_FALSE(retry_hint(Response{429, {}, "{}"}).has_value());
    auto past = retry_hint(Response{429, {{"retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"}}, ""});
    REQUIRE(past.has_value());
    CHECK(*past == milliseconds(0));
  }

  TEST_CASE("backoff grows, is capped, and jitters within half to full") {
    RetryPolicy p;
    for (int attempt = 1; attempt <= 10; ++attempt) {
      auto d = backoff_delay(p, attempt);
      const double full = std::min(500.0 * std::pow(2.0, attempt - 1), 30000.0);
      CHECK(d.count() >= static_cast<long long>(full * 0.5) - 1);
      CHECK(d.count() <= static_cast<long long>(full));
    }
  }
}
