#pragma once
// DESIGN §9's positional project rule for `cmd [PROJECT] ARGS...`: how the
// command line names a project, written once for every command that takes
// one (upload, generate).

#include <cstddef>
#include <string>
#include <vector>

#include "context.hpp"

namespace photoagent::cli {

// The project the command line names: the -p value when given; else the
// first argument, when it names an existing project, is not an existing file
// or folder, and at least `min_rest` arguments follow it (it is then removed
// from `args`); else "" (the command's default project, if any, applies).
std::string take_project_argument(Context& ctx, const std::string& flag_value, std::vector<std::string>& args,
                                  std::size_t min_rest = 1);

}  // namespace photoagent::cli
