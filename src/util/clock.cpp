#include "photoagent/util/clock.hpp"

#include "photoagent/util/time.hpp"

namespace photoagent::util {

namespace {
class SystemClock final : public Clock {
 public:
  std::int64_t unix_now() const override { return util::unix_now(); }
  std::chrono::steady_clock::time_point steady_now() const override { return std::chrono::steady_clock::now(); }
};
}  // namespace

std::string Clock::now_iso8601() const { return iso8601(unix_now()); }

const Clock& system_clock() {
  static const SystemClock clock;
  return clock;
}

ManualClock::ManualClock(std::int64_t unix_start) : start_(unix_start) {}

std::int64_t ManualClock::unix_now() const {
  std::lock_guard lock(mu_);
  return start_ + std::chrono::duration_cast<std::chrono::seconds>(elapsed_).count();
}

std::chrono::steady_clock::time_point ManualClock::steady_now() const {
  std::lock_guard lock(mu_);
  return std::chrono::steady_clock::time_point(elapsed_);
}

void ManualClock::advance(std::chrono::milliseconds by) {
  std::lock_guard lock(mu_);
  elapsed_ += by;
}

}  // namespace photoagent::util
