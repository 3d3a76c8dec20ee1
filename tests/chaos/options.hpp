#pragma once
// Scale and seed of the chaos runs: CI (200 items, 5 kills) or --full
// (1,000 items, 20 kills); the seed is printed, and PA_CHAOS_SEED (or
// --seed=N) repeats a run.
#include <cstdint>

namespace chaos {

struct Options {
  bool full = false;
  std::uint64_t seed = 0;
  int items() const { return full ? 1000 : 200; }
  int kills() const { return full ? 20 : 5; }
};

Options& options();

}  // namespace chaos
