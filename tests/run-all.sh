#!/usr/bin/env bash
# Builds and runs every test, as CI does (.ci/run calls exactly this):
#   1. an ASan+UBSan build: unit tests and the end-to-end suite;
#   2. a clang libFuzzer build: each harness (tests/fuzz) for ~30 s;
#   3. a Release build: everything (unit, layering, e2e, chaos, secrets, package).
# The last lines are ctest's summary of the Release run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps.sh
jobs=$(nproc)

# Instrumented code makes GCC 12 report false -Wmaybe-uninitialized (inside
# libstdc++'s <regex>) and -Wrestrict; the Release build enforces warnings.
san_flags="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPA_WARNING_OVERRIDES="-Wno-maybe-uninitialized;-Wno-restrict" \
  -DCMAKE_CXX_FLAGS="$san_flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build build-asan -j"$jobs"
echo "== sanitizer run (ASan+UBSan) =="
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan -L 'unit|e2e' -j"$jobs" --output-on-failure

cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz_all
echo "== fuzz run (libFuzzer, 30 s per harness, 6 harnesses) =="
ctest --test-dir build-fuzz -L fuzz --output-on-failure

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"
echo "== release run =="
ctest --test-dir build -j"$jobs" --output-on-failure
