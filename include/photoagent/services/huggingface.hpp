#pragma once
// The Hugging Face Hub API (reference/hf_sendgrid.md §1-§4).

#include <string>
#include <vector>

#include "photoagent/services/api.hpp"

namespace photoagent::services::huggingface {

struct WhoAmI {
  std::string name;  // the user's namespace
  std::string type;  // "user" | "org" | "app"
  std::string role;  // the token's role: read | write | admin | fineGrained ...
  std::vector<std::string> orgs;
};

// GET /api/whoami-v2.
WhoAmI whoami(const Api& api);

}  // namespace photoagent::services::huggingface
