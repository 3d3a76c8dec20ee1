#pragma once
// photoagent cache du|prune|gc|backup|check

#include <vector>

#include "../context.hpp"
#include "../flags.hpp"

namespace photoagent::cli {

std::vector<CommandSpec> cache_commands();

}  // namespace photoagent::cli
