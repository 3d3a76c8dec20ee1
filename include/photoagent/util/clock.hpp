#pragma once
// The clock as a seam: wall time (what is stored and shown) and a steady
// time (deadlines), from the system or set by hand (tests), so timeouts and
// windows can be tested without waiting.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace photoagent::util {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t unix_now() const = 0;
  virtual std::chrono::steady_clock::time_point steady_now() const = 0;
  std::string now_iso8601() const;
};

const Clock& system_clock();

// Starts at the given time and moves only when told (thread-safe).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t unix_start = 1'800'000'000);
  std::int64_t unix_now() const override;
  std::chrono::steady_clock::time_point steady_now() const override;
  void advance(std::chrono::milliseconds by);

 private:
  mutable std::mutex mu_;
  std::chrono::milliseconds elapsed_{0};
  std::int64_t start_;
};

}  // namespace photoagent::util
