#pragma once
// Commands on the roadmap answer honestly instead of pretending.

#include <string>

#include "../context.hpp"
#include "../flags.hpp"

namespace photoagent::cli {

int run_not_built(Context& ctx, const std::string& command);

// Their help and a run that says so; they take any arguments.
std::vector<CommandSpec> not_built_commands();

}  // namespace photoagent::cli
