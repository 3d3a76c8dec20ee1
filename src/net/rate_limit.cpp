#include "photoagent/net/rate_limit.hpp"

#include "photoagent/net/retry.hpp"

namespace photoagent::net {

std::chrono::milliseconds SlidingWindowLimiter::try_acquire(Clock::time_point now) {
  std::lock_guard lock(mu_);
  while (!starts_.empty() && now - starts_.front() >= window_) starts_.pop_front();
  if (starts_.size() < max_) {
    starts_.push_back(now);
    return std::chrono::milliseconds(0);
  }
  auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(starts_.front() + window_ - now);
  return std::max(wait, std::chrono::milliseconds(1));
}

void SlidingWindowLimiter::acquire() {
  for (;;) {
    auto wait = try_acquire();
    if (wait.count() == 0) return;
    interruptible_sleep(wait);
  }
}

}  // namespace photoagent::net
