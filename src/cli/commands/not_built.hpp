#pragma once
// Commands on the roadmap answer honestly instead of pretending.

#include <string>

#include "../context.hpp"

namespace photoagent::cli {

int run_not_built(Context& ctx, const std::string& command);

}  // namespace photoagent::cli
