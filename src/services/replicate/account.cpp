#include "photoagent/services/replicate/account.hpp"

#include <nlohmann/json.hpp>

#include "photoagent/services/json_read.hpp"

namespace photoagent::services::replicate {
using nlohmann::json;

Account parse_account(const std::string& body) {
  const json j = parse_answer(Service::replicate, body, "/account");
  const JsonReader a(Service::replicate, j, "/account");
  return {a.opt_str("type"), a.str("username"), a.opt_str("name")};
}

Account get_account(const Api& api) { return parse_account(api.call("GET", "/account", "show the account").body); }

}  // namespace photoagent::services::replicate
