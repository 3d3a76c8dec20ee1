#include <nlohmann/json.hpp>

#include "photoagent/services/huggingface.hpp"
#include "photoagent/util/error.hpp"

namespace photoagent::services::huggingface {
using nlohmann::json;

WhoAmI whoami(const Api& api) {
  auto r = api.call("GET", "/api/whoami-v2", "identify the token");
  json j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("name") || !j["name"].is_string())
    throw util::remote_error("Hugging Face answered whoami with something unexpected");
  WhoAmI w;
  w.name = j["name"].get<std::string>();
  w.type = j.value("type", "");
  if (j.contains("auth") && j["auth"].is_object() && j["auth"].contains("accessToken") &&
      j["auth"]["accessToken"].is_object())
    w.role = j["auth"]["accessToken"].value("role", "");
  if (j.contains("orgs") && j["orgs"].is_array())
    for (const auto& o : j["orgs"])
      if (o.is_object() && o.contains("name") && o["name"].is_string()) w.orgs.push_back(o["name"].get<std::string>());
  return w;
}

}  // namespace photoagent::services::huggingface
