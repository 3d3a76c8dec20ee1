#pragma once
// photoagent login / logout

#include <string>

#include "../context.hpp"
#include "../flags.hpp"

namespace photoagent::cli {

struct LoginOptions {
  bool replicate = false;
  bool huggingface = false;
  bool sendgrid = false;
  bool with_token = false;  // read the secret from stdin
  bool status = false;      // show each service's state instead
  bool offline = false;     // with --status: do not ask the services
  std::string from;         // SendGrid sender
  std::string to;           // SendGrid default recipient
};
int run_login(Context& ctx, const LoginOptions& o);

struct LogoutOptions {
  bool replicate = false;
  bool huggingface = false;
  bool sendgrid = false;
};
int run_logout(Context& ctx, const LogoutOptions& o);

// login and logout: their flags and runs.
std::vector<CommandSpec> login_commands();

}  // namespace photoagent::cli
