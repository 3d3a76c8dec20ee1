#pragma once
// --shard K/N: one of N disjoint parts of a batch (DESIGN §10, sharding), so
// a CI matrix of N jobs makes every item exactly once.
//
// A batch line belongs to shard 1 + (first 8 bytes of SHA-256 of its stable
// key, big-endian) mod N. The key is the line's "id" when it has one, else
// its fields and its occurrence among identical unseeded lines (the journal
// keeps those apart the same way). It leaves out the output folder and the
// model version the line resolves to: the journal's prediction keys carry
// both, so they would split differently on runners whose folders differ, or
// after a new version appears between two jobs. Appending lines moves no
// other line.
//
// Each shard writes into OUT/shard-K-of-N/ with its own journal there
// (.photoagent-batch.jsonl): the folders never share a lock, a CI job caches
// and uploads only its own, and a different split in the same OUT is seen
// and refused (its keys differ, so it would pay again), as is mixing a
// sharded and an unsharded batch in one OUT.

#include <cstddef>
#include <filesystem>
#include <string>

#include "photoagent/workflows/generate.hpp"

namespace photoagent::workflows {

struct Shard {
  int k = 0;  // 1..n
  int n = 0;  // 0: not sharded
  bool active() const { return n > 0; }
};

// "2/3" -> {2, 3}; util::Error (usage) for anything else, K outside 1..N or
// N above 1000.
Shard parse_shard(const std::string& text);

// The line's stable key (see above).
std::string shard_key(const GenerateRequest& line);

// 1..n for `key`.
int shard_of(const std::string& key, int n);

// True when the line is in `shard` (always, unsharded).
bool in_shard(const GenerateRequest& line, const Shard& shard);

// "shard-2-of-3".
std::string shard_folder_name(const Shard& shard);

// The folder a batch writes into: `out` unsharded, else out/shard-K-of-N.
// util::Error (usage) when `out` holds a batch of another split (or, for a
// sharded run, an unsharded journal; for an unsharded one, shards). Creates
// nothing.
std::filesystem::path batch_folder(const std::filesystem::path& out, const Shard& shard);

// The share of the account's create rate for one shard (at least 1/min).
std::size_t shard_rate(std::size_t per_minute, const Shard& shard);

}  // namespace photoagent::workflows
