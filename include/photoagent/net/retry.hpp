#pragma once
// Retries with exponential backoff and jitter, honouring the servers' hints.
// What is retried (DESIGN §5, replicate.md §6.3):
//   429 on any request (the server refused it, so nothing was created);
//   408/500/502/503/504 and broken connections only for idempotent requests;
//   a create whose connection failed before anything was sent.
// Everything else is returned to the caller at once.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "photoagent/net/http.hpp"

namespace photoagent::net {

struct RetryPolicy {
  int max_attempts = 6;
  std::chrono::milliseconds base_delay{500};
  std::chrono::milliseconds max_delay{30'000};
  std::chrono::seconds max_retry_after{120};  // a longer hint is capped
};

using Sleeper = std::function<void(std::chrono::milliseconds)>;

// Sleeps in short slices and throws util::Error when Ctrl-C arrives.
void interruptible_sleep(std::chrono::milliseconds d);

// The wait a 429/503 response asks for: Retry-After (seconds or HTTP date),
// RateLimit `t=`, ratelimit-reset / X-RateLimit-Reset, or Replicate's
// "resets in ~Ns" / "available in N second" detail text.
std::optional<std::chrono::milliseconds> retry_hint(const Response& response);

// The delay before attempt `attempt` (1-based count of failures so far).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempt);

class Client {
 public:
  explicit Client(std::shared_ptr<Transport> transport, RetryPolicy policy = {},
                  Sleeper sleep = interruptible_sleep);

  // The final response (any status), or TransportError when none came.
  Response send(const Request& request) const;
  Transport& transport() const { return *transport_; }
  const RetryPolicy& policy() const { return policy_; }
  // Waits as this client waits between retries (tests and fuzzers inject a no-op).
  void sleep(std::chrono::milliseconds d) const { sleep_(d); }

 private:
  std::shared_ptr<Transport> transport_;
  RetryPolicy policy_;
  Sleeper sleep_;
};

}  // namespace photoagent::net
