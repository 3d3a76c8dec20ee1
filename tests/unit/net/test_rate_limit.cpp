#include <doctest/doctest.h>

#include "photoagent/net/rate_limit.hpp"

using namespace photoagent::net;
using namespace std::chrono_literals;

TEST_SUITE("net::rate_limit") {
  TEST_CASE("a burst under the limit goes at once; the next waits for the window") {
    SlidingWindowLimiter lim(3, 60s);
    auto t0 = SlidingWindowLimiter::Clock::now();
    CHECK(lim.try_acquire(t0) == 0ms);
    CHECK(lim.try_acquire(t0 + 1s) == 0ms);
    CHECK(lim.try_acquire(t0 + 2s) == 0ms);
    CHECK(lim.try_acquire(t0 + 3s) == 57s);   // the first start leaves the window at t0+60
    CHECK(lim.try_acquire(t0 + 60s) == 0ms);  // and then a slot is free
    CHECK(lim.try_acquire(t0 + 60s) == 1s);   // the second leaves at t0+61
  }
}
