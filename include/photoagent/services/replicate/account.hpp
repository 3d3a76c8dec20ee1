#pragma once
// Replicate's account endpoint (reference/replicate.md).

#include <string>

#include "photoagent/services/api.hpp"

namespace photoagent::services::replicate {

struct Account {
  std::string type;      // "user" | "organization"
  std::string username;  // the owner of models we create
  std::string name;
};

// GET /account: verifies the token and names its owner.
Account get_account(const Api& api);

}  // namespace photoagent::services::replicate
