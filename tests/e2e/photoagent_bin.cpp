// Which photoagent binary the e2e tests run (declared in harness.hpp). This
// file does not include harness.hpp: it needs the build's own PHOTOAGENT_BIN,
// which the header redirects here.
#include <cstdlib>

namespace e2e {

const char* photoagent_bin() {
  static const char* const bin = [] {
    const char* over = std::getenv("PA_E2E_PHOTOAGENT");
    return over != nullptr && *over != '\0' ? over : PHOTOAGENT_BIN;
  }();
  return bin;
}

}  // namespace e2e
