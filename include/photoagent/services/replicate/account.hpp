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

// The answer of GET /account; util::Error (exit 5) naming the field when it
// is not an account (services/json_read.hpp).
Account parse_account(const std::string& body);

// GET /account: verifies the token and names its owner.
Account get_account(const Api& api);

}  // namespace photoagent::services::replicate
