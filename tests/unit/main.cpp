// The unit test runner. Each test that touches files gets its own temporary
// folders through tests/unit/support (never the user's real ones).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
