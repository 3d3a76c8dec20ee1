#pragma once
// Every command photoagent has, as flag tables (flags.hpp): what app.cpp
// turns into CLI11 calls and what the tests check the docs against.

#include "context.hpp"
#include "flags.hpp"

namespace photoagent::cli {

// The root's global options write into `global`; each command owns its own.
ProgramSpec program_spec(GlobalOptions& global);

}  // namespace photoagent::cli
