// Numbers in headers and error bodies are remote text: huge or odd values
// clamp, never throw (issue 13: "internal error: stoll", std::terminate).
#include <doctest/doctest.h>

#include <chrono>

#include "photoagent/net/retry.hpp"
#include "support.hpp"

using namespace photoagent::net;
using std::chrono::milliseconds;

namespace {
Response r429(Headers h, std::string body = "") { return Response{429, std::move(h), std::move(body)}; }
constexpr milliseconds kDay{24LL * 3600 * 1000};
}  // namespace

TEST_SUITE("net::retry hints (hostile numbers)") {
  TEST_CASE("huge detail text and headers clamp to a day, never throw") {
    const std::string huge = "99999999999999999999999";
    CHECK(retry_hint(r429({}, R"({"detail":"Request was throttled. Your rate limit resets in ~)" + huge + R"(s."})")) == kDay);
    CHECK(retry_hint(r429({{"retry-after", huge}})) == kDay);
    CHECK(retry_hint(r429({{"retry-after", "1e999"}})) == milliseconds(1000));  // "1": the rest is not a number
    CHECK(retry_hint(r429({{"retry-after-ms", huge}})) == kDay);
    CHECK(retry_hint(r429({{"ratelimit", "\"api\";r=0;t=" + huge}})) == kDay);
    CHECK(retry_hint(r429({{"ratelimit-reset", huge + huge + huge}})) == kDay);
    CHECK(retry_hint(r429({{"x-ratelimit-reset", huge}})) == kDay);
    CHECK(retry_hint(r429({{"retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"}})) == kDay);
    CHECK(retry_hint(r429({{"retry-after", std::string(100000, '9')}})) == kDay);
  }

  TEST_CASE("garbage gives no hint rather than an error") {
    CHECK_FALSE(retry_hint(r429({{"retry-after", "-5"}})).has_value());
    CHECK_FALSE(retry_hint(r429({{"retry-after", "soon"}})).has_value());
    CHECK_FALSE(retry_hint(r429({{"ratelimit", "\"api\";r=0;t=x"}})).has_value());
    CHECK_FALSE(retry_hint(r429({}, "resets in ~s")).has_value());
    CHECK(retry_hint(r429({{"retry-after", " 1.5"}})) == milliseconds(1500));
    CHECK(retry_hint(r429({{"ratelimit", "\"api\";r=0; t=7"}})) == milliseconds(7000));
  }

  TEST_CASE("a huge hint becomes the policy's maximum wait") {
    auto t = std::make_shared<testing::ScriptedTransport>();
    t->respond(429, R"({"detail":"Request was throttled. Your rate limit resets in ~99999999999999999999999s."})");
    t->respond(200, "ok");
    std::vector<milliseconds> sleeps;
    RetryPolicy policy;
    Client c(t, policy, [&](milliseconds d) { sleeps.push_back(d); });
    CHECK(c.send(Request{}).body == "ok");
    REQUIRE(sleeps.size() == 1);
    CHECK(sleeps[0] == std::chrono::duration_cast<milliseconds>(policy.max_retry_after));
  }

  TEST_CASE("size, deadline and refused errors are final: no refetch") {
    using Kind = TransportError::Kind;
    for (Kind k : {Kind::too_large, Kind::deadline, Kind::refused}) {
      auto t = std::make_shared<testing::ScriptedTransport>();
      t->fail(k, false);
      int sleeps = 0;
      Client c(t, {}, [&](milliseconds) { ++sleeps; });
      CHECK_THROWS_AS(c.send(Request{}), TransportError);
      CHECK(t->seen().size() == 1);
      CHECK(sleeps == 0);
    }
  }
}
