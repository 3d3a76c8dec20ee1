// The end-to-end test runner: every test starts its own emulator and sandbox.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
