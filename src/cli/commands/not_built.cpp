#include "not_built.hpp"

#include "photoagent/util/error.hpp"

namespace photoagent::cli {

int run_not_built(Context&, const std::string& command) {
  throw util::failure("'photoagent " + command + "' is not built yet in this version",
                      "See the README's roadmap; 'photoagent --help' lists what works today.");
}

}  // namespace photoagent::cli
