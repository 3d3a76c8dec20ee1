#include <algorithm>
#include <nlohmann/json.hpp>

#include "photoagent/services/json_read.hpp"
#include "photoagent/services/sendgrid.hpp"
#include "photoagent/util/error.hpp"

namespace photoagent::services::sendgrid {
using nlohmann::json;

std::optional<std::vector<std::string>> scopes(const Api& api) {
  auto r = api.call("GET", "/v3/scopes", "list the key's scopes", {}, {403});
  if (r.status == 403) return std::nullopt;
  return parse_scopes(r.body);
}

std::vector<std::string> parse_scopes(const std::string& body) {
  const json j = parse_answer(Service::sendgrid, body, "/v3/scopes");
  const JsonReader scopes = JsonReader(Service::sendgrid, j, "/v3/scopes").array("scopes");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scopes.size(); ++i) out.push_back(scopes.at(i).as_str());
  return out;
}

bool error_names_field(const net::Response& r, std::string_view field) {
  const json j = parse_answer_lenient(r.body);
  if (!j.is_object() || !j.contains("errors") || !j["errors"].is_array()) return false;
  return std::any_of(j["errors"].begin(), j["errors"].end(),
                     [&](const json& e) { return !field.empty() && string_or_empty(e, "field") == field; });
}

std::string send_mail(const Api& api, const Mail& m, bool sandbox) {
  json content = json::array({{{"type", "text/plain"}, {"value", m.text}}});
  // SendGrid insists on text/plain first, then text/html.
  if (!m.html.empty()) content.push_back({{"type", "text/html"}, {"value", m.html}});
  json body = {
      {"personalizations", json::array({{{"to", json::array({{{"email", m.to}}})}}})},
      {"from", {{"email", m.from}, {"name", "photoagent"}}},
      {"subject", m.subject},
      {"content", content},
      {"categories", json::array({"photoagent"})},
      {"tracking_settings", {{"click_tracking", {{"enable", false}}}}},
      {"mail_settings", {{"sandbox_mode", {{"enable", sandbox}}}}},
  };
  net::Request req;
  req.method = "POST";
  req.url = api.base() + "/v3/mail/send";
  req.body = body.dump();
  req.header("Content-Type", "application/json");
  req.idempotent = false;  // no idempotency key: never resend after an ambiguous failure
  net::Response r;
  try {
    r = api.raw(std::move(req));
  } catch (const net::TransportError& e) {
    if (e.nothing_sent()) throw_unreachable(Service::sendgrid, e);
    throw MaybeSent(std::string("the connection to SendGrid broke after the email was sent: ") + e.what());
  }
  if (r.status >= 500) throw MaybeSent("SendGrid failed (" + std::to_string(r.status) + ") while taking the email");
  if (r.status == 403 && error_names_field(r, "from"))
    throw util::auth_error("SendGrid refused the sender " + m.from + ": it is not a verified Sender Identity (" +
                               service_message(Service::sendgrid, r) + ")",
                           "Verify the sender in SendGrid (Settings > Sender Authentication: verify " + m.from +
                               " as a single sender, or authenticate its domain); the API key is fine. Or use a "
                               "verified sender: photoagent login --sendgrid --from ADDRESS.");
  if (r.status < 200 || r.status >= 300) throw_http_error(Service::sendgrid, r, "send the email");
  return r.header("x-message-id").value_or("");
}

}  // namespace photoagent::services::sendgrid
