#include "photoagent/services/service.hpp"

#include <nlohmann/json.hpp>

#include "photoagent/net/url.hpp"
#include "photoagent/services/json_read.hpp"
#include "photoagent/services/sendgrid.hpp"
#include "photoagent/util/env.hpp"
#include "photoagent/util/printable.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/strings.hpp"

namespace photoagent::services {
using nlohmann::json;

std::string_view display_name(Service s) {
  switch (s) {
    case Service::replicate: return "Replicate";
    case Service::huggingface: return "Hugging Face";
    case Service::sendgrid: return "SendGrid";
  }
  return "?";
}

std::string_view login_flag(Service s) {
  switch (s) {
    case Service::replicate: return "--replicate";
    case Service::huggingface: return "--huggingface";
    case Service::sendgrid: return "--sendgrid";
  }
  return "";
}

std::string_view token_env_var(Service s) {
  switch (s) {
    case Service::replicate: return "REPLICATE_API_TOKEN";
    case Service::huggingface: return "HF_TOKEN";
    case Service::sendgrid: return "SENDGRID_API_KEY";
  }
  return "";
}

std::string base_url(Service s, const util::Env& env) {
  const char* var = nullptr;
  const char* fallback = nullptr;
  switch (s) {
    case Service::replicate: var = "REPLICATE_API_BASE_URL"; fallback = "https://api.replicate.com/v1"; break;
    case Service::huggingface: var = "HF_ENDPOINT"; fallback = "https://huggingface.co"; break;
    case Service::sendgrid: var = "SENDGRID_API_BASE_URL"; fallback = "https://api.sendgrid.com"; break;
  }
  if (auto v = env.get(var)) return net::checked_base_url(*v, var);
  return fallback;
}

std::string service_message(Service s, const net::Response& r) {
  const json body = parse_answer_lenient(r.body);
  std::string msg;
  if (!body.is_discarded() && body.is_object()) {
    switch (s) {
      case Service::replicate: {
        if (body.contains("detail") && body["detail"].is_string()) msg = util::trim(body["detail"].get<std::string>());
        else if (body.contains("title") && body["title"].is_string()) msg = body["title"].get<std::string>();
        break;
      }
      case Service::huggingface: {
        const auto& e = body.contains("error") ? body["error"] : json();
        if (e.is_string()) msg = e.get<std::string>();
        else if (e.is_array()) {
          for (const auto& x : e) if (x.is_string()) msg += (msg.empty() ? "" : "; ") + x.get<std::string>();
        } else if (e.is_object() && e.contains("message") && e["message"].is_string()) {
          msg = e["message"].get<std::string>();
        }
        break;
      }
      case Service::sendgrid: {
        if (body.contains("errors") && body["errors"].is_array()) {
          for (const auto& e : body["errors"]) {
            if (!e.is_object() || !e.contains("message") || !e["message"].is_string()) continue;
            std::string one = e["message"].get<std::string>();
            if (e.contains("field") && e["field"].is_string()) one = e["field"].get<std::string>() + ": " + one;
            msg += (msg.empty() ? "" : "; ") + one;
          }
        }
        break;
      }
    }
  }
  if (msg.empty() && s == Service::huggingface)
    if (auto h = r.header("x-error-message")) msg = *h;
  if (msg.empty() && !r.body.empty() && r.body.size() < 200 && r.body.find('<') == std::string::npos)
    msg = util::trim(r.body);
  // Remote text goes into an error message: one line, no terminal controls,
  // no token a service echoed back (util::printable).
  msg = util::printable_line(msg);
  if (msg.size() > 500) {
    std::size_t cut = 500;
    while (cut > 0 && (static_cast<unsigned char>(msg[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    msg = msg.substr(0, cut) + "...";
  }
  return msg;
}

void throw_http_error(Service s, const net::Response& r, std::string_view action) {
  const std::string name(display_name(s));
  const std::string detail = service_message(s, r);
  std::string text = name + " " + (r.status == 401 ? "rejected the token" : "refused to " + std::string(action)) +
                     " (" + std::to_string(r.status) + ")" + (detail.empty() ? "" : ": " + detail);
  if (auto id = r.header("x-request-id")) text += " [request " + util::printable_line(id->substr(0, 100)) + "]";
  const std::string login = "Run 'photoagent login " + std::string(login_flag(s)) + "'";
  const std::string env =
      std::string(token_env_var(s)) + (s == Service::huggingface ? " or HUGGING_FACE_HUB_TOKEN" : "");
  switch (r.status) {
    case 401:
      throw util::auth_error(text, login + " (or check " + env + ").");
    case 403:
      // SendGrid names the `from` field for a sender that is not a verified
      // Sender Identity: the key is fine, the sender needs verifying.
      if (s == Service::sendgrid && sendgrid::error_names_field(r, "from"))
        throw util::auth_error(text, "Verify the sender in SendGrid (Settings > Sender Authentication: a single "
                                     "sender or its domain); the API key is fine.");
      throw util::auth_error(text, "The token lacks a permission this needs. " + login + " with a token that has it.");
    case 402:
      throw util::Error(util::ExitCode::remote, text, "Add credit or a payment method to your " + name + " account.");
    case 404:
      throw util::not_found(text);
    case 429:
      throw util::remote_error(text, "Still rate-limited after retrying; wait a minute and run it again.");
    default:
      if (r.status >= 500) throw util::remote_error(text, name + " is having trouble; try again in a few minutes.");
      throw util::failure(text);
  }
}

void throw_unreachable(Service s, const net::TransportError& e) {
  if (e.kind() == net::TransportError::Kind::interrupted)
    throw util::Error(util::ExitCode::interrupted, "interrupted");
  const std::string name(display_name(s));
  throw util::remote_error("cannot reach " + name + ": " + e.what(),
                           "Check your network connection (the address comes from " +
                               std::string(s == Service::replicate ? "REPLICATE_API_BASE_URL"
                                           : s == Service::huggingface ? "HF_ENDPOINT"
                                                                       : "SENDGRID_API_BASE_URL") +
                               " when set).");
}

}  // namespace photoagent::services
