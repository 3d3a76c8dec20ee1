#pragma once
// A sliding-window limit on request starts: at most `max` in any `window`.
// Unlike even spacing, a burst under the limit goes out at once (DESIGN §9:
// 500 creates leave immediately under Replicate's 600 per minute).

#include <chrono>
#include <deque>
#include <mutex>

namespace photoagent::net {

class SlidingWindowLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  SlidingWindowLimiter(std::size_t max, std::chrono::milliseconds window) : max_(max), window_(window) {}

  // Takes a slot, sleeping (interruptibly) until one is free.
  void acquire();
  // How long the caller would wait now for a slot (0 when one is free); takes it when 0.
  std::chrono::milliseconds try_acquire(Clock::time_point now = Clock::now());

 private:
  std::size_t max_;
  std::chrono::milliseconds window_;
  std::deque<Clock::time_point> starts_;
  std::mutex mu_;
};

}  // namespace photoagent::net
