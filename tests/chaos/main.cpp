// The chaos runner: doctest cases (labelled "chaos" in ctest) plus two flags
// of its own, --full (PA_CHAOS_FULL=1) and --seed=N (PA_CHAOS_SEED=N).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "options.hpp"

namespace chaos {
Options& options() {
  static Options o;
  return o;
}
}  // namespace chaos

int main(int argc, char** argv) {
  auto& o = chaos::options();
  if (const char* f = std::getenv("PA_CHAOS_FULL")) o.full = std::strcmp(f, "") != 0 && std::strcmp(f, "0") != 0;
  o.seed = static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) % 1000000;
  if (const char* s = std::getenv("PA_CHAOS_SEED")) o.seed = std::strtoull(s, nullptr, 10);
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--full") == 0) o.full = true;
    else if (std::strncmp(argv[i], "--seed=", 7) == 0) o.seed = std::strtoull(argv[i] + 7, nullptr, 10);
    else rest.push_back(argv[i]);
  }
  std::cerr << "chaos: seed " << o.seed << " (repeat with PA_CHAOS_SEED=" << o.seed << "), " << o.items()
            << " items, " << o.kills() << " kills" << (o.full ? " (--full)" : "") << "\n";
  doctest::Context ctx;
  ctx.applyCommandLine(static_cast<int>(rest.size()), rest.data());
  return ctx.run();
}
