#include "photoagent/services/replicate/account.hpp"

#include <nlohmann/json.hpp>

#include "photoagent/util/error.hpp"

namespace photoagent::services::replicate {
using nlohmann::json;

Account get_account(const Api& api) {
  auto r = api.call("GET", "/account", "show the account");
  json j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("username") || !j["username"].is_string())
    throw util::remote_error("Replicate answered /account with something that is not an account");
  Account a;
  a.username = j["username"].get<std::string>();
  a.type = j.value("type", "");
  if (j.contains("name") && j["name"].is_string()) a.name = j["name"].get<std::string>();
  return a;
}

}  // namespace photoagent::services::replicate
