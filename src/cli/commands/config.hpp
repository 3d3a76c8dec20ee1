#pragma once
// photoagent config get|set|unset|list|path

#include <string>

#include "../context.hpp"
#include "../flags.hpp"

namespace photoagent::cli {

struct ConfigOptions {
  std::string verb;  // get | set | unset | list | path
  std::string key;
  std::string value;
  bool all = false;  // list: every known key, with defaults and descriptions
};
int run_config(Context& ctx, const ConfigOptions& o);
CommandSpec config_command();

}  // namespace photoagent::cli
