#pragma once
// The one worker pool: runs `work(i)` for every index of a batch on a
// bounded number of threads that pull the next index from a shared counter
// (so a slow item never holds up the rest). Used by upload, captions and
// generation.
//
// - Each item either finishes or fails on its own: every exception thrown by
//   `work` is caught in the worker and recorded against its index (a
//   util::Error keeps its message and exit code; any other exception becomes
//   a failure with a readable message, never std::terminate).
// - Ctrl-C or SIGTERM (util::interrupt_signal()), or a util::Error that is an
//   interruption, stops the pool: no new item starts, items in hand finish,
//   and the report says which never ran.
// - Results are by index, whatever order the items ran in: `work` writes its
//   result to slot i of a vector sized beforehand (distinct slots, no lock).

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "photoagent/util/error.hpp"

namespace photoagent::util {

enum class ItemState {
  not_started,  // the pool stopped before this item was taken
  succeeded,    // `work` returned
  failed,       // `work` threw; see `error`
  interrupted,  // `work` threw an interruption (Ctrl-C / SIGTERM) mid-item
};

struct ItemOutcome {
  ItemState state = ItemState::not_started;
  ExitCode code = ExitCode::ok;  // failed / interrupted: the error's exit code
  std::string error;             // failed / interrupted: what went wrong
};

struct PoolReport {
  std::vector<ItemOutcome> items;  // one per index
  // A stop (Ctrl-C, SIGTERM, an interruption thrown by an item, or
  // PoolOptions::stop) left some items unfinished.
  bool stopped = false;

  std::size_t count(ItemState state) const;
};

// Told about each item that finished (succeeded or failed), one call at a
// time: calls never overlap, so the callback needs no lock of its own and may
// read the item's result slot. It runs on a worker thread.
struct ItemDone {
  std::size_t index;
  const ItemOutcome& outcome;
  std::size_t done;   // items finished so far, this one included (1..total)
  std::size_t total;
};

struct PoolOptions {
  unsigned workers = 0;  // at most this many threads, the caller's included; 0: one per core
  // Asked (from any worker) before each item starts; true stops the pool.
  // Empty: a Ctrl-C or SIGTERM arrived (util::interrupt_signal() != 0).
  std::function<bool()> stop;
};

using ItemWork = std::function<void(std::size_t index)>;
using ItemDoneCallback = std::function<void(const ItemDone&)>;

// Runs `work` over indices 0..count-1 and returns when every worker has
// stopped. The calling thread is one of the workers; never more threads than
// items. An exception from `on_done` (e.g. stdout closed) stops the pool and
// is rethrown here once every worker has stopped.
PoolReport parallel_for_each(std::size_t count, const PoolOptions& options, const ItemWork& work,
                             const ItemDoneCallback& on_done = {});
PoolReport parallel_for_each(std::size_t count, unsigned workers, const ItemWork& work,
                             const ItemDoneCallback& on_done = {});

}  // namespace photoagent::util
