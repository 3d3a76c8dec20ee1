#pragma once
// For the answer harnesses: a Transport whose every response (status,
// a few headers, body) comes from the fuzzer's bytes, and a Client that
// never sleeps, so a service call runs its whole conversation (retries
// included) on hostile answers in microseconds.
#include <fuzzer/FuzzedDataProvider.h>

#include <memory>
#include <string>

#include "photoagent/net/http.hpp"
#include "photoagent/net/retry.hpp"

namespace fuzz {

class StubTransport : public photoagent::net::Transport {
 public:
  explicit StubTransport(FuzzedDataProvider& fdp) : fdp_(fdp) {}
  photoagent::net::Response perform(const photoagent::net::Request&) override {
    if (++calls_ > 40 || fdp_.remaining_bytes() == 0)  // the conversation ends: a network failure
      throw photoagent::net::TransportError(photoagent::net::TransportError::Kind::connect, true, "stub: no more answers");
    static constexpr long kStatus[] = {200, 200, 200, 201, 202, 204, 206, 302, 400, 401, 403, 404,
                                       409, 412, 413, 422, 429, 500, 502, 503};
    photoagent::net::Response r;
    const auto pick = fdp_.ConsumeIntegral<std::uint8_t>();
    r.status = pick < 240 ? kStatus[pick % (sizeof kStatus / sizeof *kStatus)] : fdp_.ConsumeIntegralInRange<long>(-1, 1000);
    const int headers = fdp_.ConsumeIntegralInRange<int>(0, 3);
    static const char* const kNames[] = {"retry-after", "ratelimit-reset", "ratelimit", "x-ratelimit-reset",
                                         "content-type", "x-error-code", "x-error-message", "x-message-id",
                                         "location", "x-repo-commit", "etag", "x-linked-etag"};
    for (int i = 0; i < headers; ++i)
      r.headers.emplace_back(kNames[fdp_.ConsumeIntegral<std::uint8_t>() % (sizeof kNames / sizeof *kNames)],
                             fdp_.ConsumeRandomLengthString(64));
    r.body = fdp_.ConsumeRandomLengthString(1 << 16);
    return r;
  }

 private:
  FuzzedDataProvider& fdp_;
  int calls_ = 0;
};

// A client over the stub that retries as the product does but never sleeps.
inline photoagent::net::Client stub_client(FuzzedDataProvider& fdp) {
  return photoagent::net::Client(std::make_shared<StubTransport>(fdp), photoagent::net::RetryPolicy{},
                                 [](std::chrono::milliseconds) {});
}

}  // namespace fuzz
