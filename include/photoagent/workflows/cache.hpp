#pragma once
// The local cache (one SQLite database beside the stored images), opened
// where the environment says (PHOTOAGENT_HOME, else XDG data home).

#include <memory>

#include "photoagent/store/database.hpp"
#include "photoagent/util/env.hpp"

namespace photoagent::workflows {

std::unique_ptr<store::Database> open_cache(const util::Env& env = util::process_env());

}  // namespace photoagent::workflows
