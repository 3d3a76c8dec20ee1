#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <mutex>
#include <new>
#include <set>
#include <stdexcept>
#include <thread>

#include "photoagent/util/error.hpp"
#include "photoagent/util/interrupt.hpp"
#include "photoagent/util/worker_pool.hpp"

using namespace photoagent::util;
using namespace std::chrono_literals;

TEST_SUITE("util::worker_pool") {
  TEST_CASE("no items: no work, no callback, nothing stopped") {
    bool called = false;
    auto r = parallel_for_each(0, 4, [&](std::size_t) { called = true; }, [&](const ItemDone&) { called = true; });
    CHECK_FALSE(called);
    CHECK(r.items.empty());
    CHECK_FALSE(r.stopped);
  }

  TEST_CASE("results are by index whatever order the items finish in") {
    constexpr std::size_t n = 40;
    std::vector<std::size_t> out(n);
    std::vector<std::size_t> finish_order;
    auto r = parallel_for_each(
        n, 4,
        [&](std::size_t i) {
          std::this_thread::sleep_for(std::chrono::microseconds((n - i) * 200));  // early items finish last
          out[i] = i * i;
        },
        [&](const ItemDone& d) { finish_order.push_back(d.index); });
    for (std::size_t i = 0; i < n; ++i) CHECK(out[i] == i * i);
    CHECK(r.count(ItemState::succeeded) == n);
    CHECK_FALSE(r.stopped);
    CHECK(finish_order.size() == n);
    CHECK(std::set<std::size_t>(finish_order.begin(), finish_order.end()).size() == n);
  }

  TEST_CASE("at most `workers` items run at once, and each item runs once") {
    std::atomic<int> running{0}, most{0};
    std::vector<std::atomic<int>> runs(30);
    parallel_for_each(runs.size(), 3, [&](std::size_t i) {
      const int now = ++running;
      for (int m = most.load(); now > m && !most.compare_exchange_weak(m, now);) {
      }
      std::this_thread::sleep_for(2ms);
      ++runs[i];
      --running;
    });
    CHECK(most.load() <= 3);
    CHECK(most.load() >= 2);  // it really ran in parallel
    for (const auto& c : runs) CHECK(c.load() == 1);
  }

  TEST_CASE("more workers than items: no more threads than items") {
    std::mutex mu;
    std::set<std::thread::id> threads;
    auto r = parallel_for_each(3, 64, [&](std::size_t) {
      std::this_thread::sleep_for(5ms);
      std::lock_guard lock(mu);
      threads.insert(std::this_thread::get_id());
    });
    CHECK(r.count(ItemState::succeeded) == 3);
    CHECK(threads.size() <= 3);
  }

  TEST_CASE("every kind of exception becomes a failed item; the others still run") {
    std::atomic<int> done_calls{0};
    auto r = parallel_for_each(
        6, 3,
        [&](std::size_t i) {
          switch (i) {
            case 1: throw remote_error("model said no");
            case 2: throw std::runtime_error("boom");
            case 3: throw std::bad_alloc();
            case 4: throw 42;
            default: break;
          }
        },
        [&](const ItemDone& d) {
          ++done_calls;
          CHECK(d.outcome.state == (d.index == 0 || d.index == 5 ? ItemState::succeeded : ItemState::failed));
        });
    CHECK_FALSE(r.stopped);
    CHECK(done_calls.load() == 6);
    CHECK(r.items[0].state == ItemState::succeeded);
    CHECK(r.items[5].state == ItemState::succeeded);
    CHECK(r.items[1].state == ItemState::failed);
    CHECK(r.items[1].code == ExitCode::remote);
    CHECK(r.items[1].error == "model said no");
    CHECK(r.items[2].code == ExitCode::error);
    CHECK(r.items[2].error == "internal error: boom");
    CHECK(r.items[3].error == "out of memory");
    CHECK(r.items[4].error.find("unknown type") != std::string::npos);
    CHECK(r.count(ItemState::failed) == 4);
  }

  TEST_CASE("an interruption thrown by an item stops the pool: no new item starts") {
    std::atomic<int> ran{0};
    auto r = parallel_for_each(10, 1, [&](std::size_t i) {
      ++ran;
      if (i == 3) throw Error(ExitCode::interrupted, "interrupted");
    });
    CHECK(r.stopped);
    CHECK(ran.load() == 4);
    CHECK(r.count(ItemState::succeeded) == 3);
    CHECK(r.items[3].state == ItemState::interrupted);
    CHECK(r.items[3].code == ExitCode::interrupted);
    CHECK(r.count(ItemState::not_started) == 6);
  }

  TEST_CASE("a stop request ends the batch early; finished items are kept") {
    std::atomic<bool> stop{false};
    PoolOptions o;
    o.workers = 2;
    o.stop = [&] { return stop.load(); };
    auto r = parallel_for_each(100, o, [](std::size_t) { std::this_thread::sleep_for(1ms); },
                               [&](const ItemDone& d) {
                                 if (d.done == 5) stop = true;
                               });
    CHECK(r.stopped);
    // The item each worker had in hand finishes; nothing else starts.
    CHECK(r.count(ItemState::succeeded) >= 5);
    CHECK(r.count(ItemState::succeeded) <= 6);
    CHECK(r.count(ItemState::not_started) == 100 - r.count(ItemState::succeeded));
  }

  TEST_CASE("Ctrl-C (SIGINT) stops the pool by default") {
    // The signal flag is process-wide and never cleared, so this runs in a child.
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      install_signal_handlers();
      auto r = parallel_for_each(10, 1, [](std::size_t i) {
        if (i == 2) std::raise(SIGINT);
      });
      const bool ok = r.stopped && r.count(ItemState::succeeded) == 3 && r.count(ItemState::not_started) == 7 &&
                      r.items[3].state == ItemState::not_started;
      _exit(ok ? 0 : 1);
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }

  TEST_CASE("the completion callback is called one at a time, with done counting up") {
    constexpr std::size_t n = 500;
    std::size_t calls = 0;  // deliberately unguarded: the pool serialises the callback
    std::size_t last_done = 0;
    bool in_order = true;
    std::atomic<int> inside{0};
    bool overlapped = false;
    auto r = parallel_for_each(n, 8, [](std::size_t) {}, [&](const ItemDone& d) {
      if (++inside > 1) overlapped = true;
      ++calls;
      in_order = in_order && d.done == last_done + 1 && d.total == n;
      last_done = d.done;
      --inside;
    });
    CHECK(r.count(ItemState::succeeded) == n);
    CHECK(calls == n);
    CHECK(in_order);
    CHECK_FALSE(overlapped);
  }

  TEST_CASE("an exception from the callback stops the pool and reaches the caller") {
    std::atomic<int> ran{0};
    CHECK_THROWS_WITH_AS(parallel_for_each(
                             50, 2, [&](std::size_t) { ++ran; },
                             [&](const ItemDone& d) {
                               if (d.done == 3) throw failure("stdout closed");
                             }),
                         "stdout closed", Error);
    CHECK(ran.load() < 50);
  }
}
