#include "photoagent/util/worker_pool.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>

#include "photoagent/util/interrupt.hpp"

namespace photoagent::util {

std::size_t PoolReport::count(ItemState state) const {
  return static_cast<std::size_t>(
      std::count_if(items.begin(), items.end(), [&](const ItemOutcome& o) { return o.state == state; }));
}

namespace {

ItemOutcome ended(ItemState state, ExitCode code, std::string error) {
  ItemOutcome o;
  o.state = state;
  o.code = code;
  o.error = std::move(error);
  return o;
}

// Runs one item; whatever it throws stays here, as its outcome.
ItemOutcome run_item(const ItemWork& work, std::size_t index) noexcept {
  try {
    try {
      work(index);
      return ended(ItemState::succeeded, ExitCode::ok, {});
    } catch (const Error& e) {
      return ended(e.is_interruption() ? ItemState::interrupted : ItemState::failed, e.code(), e.message());
    } catch (const std::bad_alloc&) {
      return ended(ItemState::failed, ExitCode::error, "out of memory");
    } catch (const std::exception& e) {
      return ended(ItemState::failed, ExitCode::error, std::string("internal error: ") + e.what());
    } catch (...) {
      return ended(ItemState::failed, ExitCode::error, "internal error: an exception of unknown type");
    }
  } catch (...) {
    // Building the message ran out of memory: the item still failed.
    ItemOutcome o;
    o.state = ItemState::failed;
    o.code = ExitCode::error;
    return o;
  }
}

unsigned worker_count(std::size_t items, unsigned asked) {
  const unsigned wanted = asked != 0 ? asked : std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::min<std::size_t>(wanted, items));
}

}  // namespace

PoolReport parallel_for_each(std::size_t count, const PoolOptions& options, const ItemWork& work,
                             const ItemDoneCallback& on_done) {
  PoolReport report;
  report.items.resize(count);
  if (count == 0) return report;

  std::atomic<std::size_t> next{0};
  std::atomic<bool> stopping{false};
  std::mutex done_mu;  // one on_done call at a time, and the `done` count
  std::size_t done = 0;
  std::exception_ptr callback_error;

  auto stop_requested = [&]() noexcept {
    if (stopping.load()) return true;
    try {
      return options.stop ? options.stop() : interrupt_signal() != 0;
    } catch (...) {
      return true;  // a stop check that cannot answer is taken as a stop
    }
  };

  auto worker = [&]() noexcept {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= count) return;
      if (stop_requested()) {
        stopping = true;
        return;  // item i and the rest stay not_started
      }
      report.items[i] = run_item(work, i);  // each slot is written by one worker only
      if (report.items[i].state == ItemState::interrupted) {
        stopping = true;
        return;
      }
      std::lock_guard lock(done_mu);
      ++done;
      if (!on_done || callback_error) continue;
      try {
        on_done(ItemDone{i, report.items[i], done, count});
      } catch (...) {
        callback_error = std::current_exception();
        stopping = true;
      }
    }
  };

  const unsigned workers = worker_count(count, options.workers);
  std::vector<std::thread> threads;
  threads.reserve(workers - 1);
  for (unsigned w = 1; w < workers; ++w) {
    try {
      threads.emplace_back(worker);
    } catch (const std::system_error&) {
      break;  // no more threads to be had: the ones running still finish the batch
    }
  }
  worker();
  for (auto& t : threads) t.join();

  if (callback_error) std::rethrow_exception(callback_error);
  report.stopped = stopping.load();  // only ever set with an item left unfinished
  return report;
}

PoolReport parallel_for_each(std::size_t count, unsigned workers, const ItemWork& work,
                             const ItemDoneCallback& on_done) {
  PoolOptions options;
  options.workers = workers;
  return parallel_for_each(count, options, work, on_done);
}

}  // namespace photoagent::util
