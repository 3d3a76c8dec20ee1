#pragma once
// photoagent status [PROJECT|ID]

#include <string>

#include "../context.hpp"
#include "../flags.hpp"

namespace photoagent::cli {

struct StatusOptions {
  std::string target;   // project name, training id (t12) or Replicate id; "" = everything
  std::string project;  // -p/--project
  bool watch = false;
  bool logs = false;
  bool exit_status = false;
  bool spend = false;
  std::string spend_by;  // --by project|day (with --spend)
  std::string since;     // --since YYYY-MM-DD (with --spend)
  bool offline = false;  // only what the cache knows
  std::string cancel;    // training to cancel
  bool notify = false;   // resend an email whose outcome is unknown
};
int run_status(Context& ctx, const StatusOptions& o);
CommandSpec status_command();

}  // namespace photoagent::cli
