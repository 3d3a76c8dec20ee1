// SendGrid: POST /v3/mail/send (validation with the real error texts, outbox,
// sandbox mode) and GET /v3/scopes (login check).
#include <algorithm>
#include <cctype>
#include <regex>

#include "router.hpp"

namespace fakecloud {
namespace {

const std::string kHelp = "http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html";

json err(const std::string& message, const std::string& field, const std::string& anchor) {
  return json{{"message", message}, {"field", field}, {"help", kHelp + "#" + anchor}};
}

bool valid_email(const json& v) {
  static const std::regex rx(R"(^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$)");
  return v.is_string() && std::regex_match(v.get<std::string>(), rx);
}

bool nonempty_string(const json& o, const char* key) {
  return o.is_object() && o.contains(key) && o[key].is_string() && !o[key].get<std::string>().empty();
}

void check_addresses(const json& p, size_t i, const char* list, json& errors) {
  if (!p.contains(list)) return;
  const json& a = p[list];
  std::string base = "personalizations." + std::to_string(i) + "." + list;
  if (!a.is_array()) {
    errors.push_back(err("Invalid type. Expected: array, given: " + std::string(a.type_name()) + ".",
                         base, "message.personalizations." + std::string(list)));
    return;
  }
  for (size_t j = 0; j < a.size(); ++j)
    if (!a[j].is_object() || !valid_email(a[j].value("email", json()))) {
      errors.push_back(err("Does not contain a valid address.", base + "." + std::to_string(j) + ".email",
                           "message.personalizations." + std::string(list)));
    }
}

// Returns the list of errors (empty when the body is acceptable).
json validate(const json& b) {
  json errors = json::array();
  bool templated = nonempty_string(b, "template_id");
  const json& ps = b.value("personalizations", json());
  bool every_p_subject = false;
  if (!ps.is_array() || ps.empty()) {
    errors.push_back(err("The personalizations field is required and must have at least one "
                         "personalization.",
                         "personalizations", "-Personalizations-Errors"));
  } else {
    every_p_subject = true;
    for (size_t i = 0; i < ps.size(); ++i) {
      const json& p = ps[i];
      if (!p.is_object() || !p.contains("to") || !p["to"].is_array() || p["to"].empty()) {
        errors.push_back(err("The to array is required for all personalization objects, and must "
                             "have at least one email object with a valid email address.",
                             "personalizations." + std::to_string(i) + ".to",
                             "message.personalizations.to"));
      } else {
        check_addresses(p, i, "to", errors);
      }
      if (p.is_object()) {
        check_addresses(p, i, "cc", errors);
        check_addresses(p, i, "bcc", errors);
      }
      if (!nonempty_string(p, "subject")) every_p_subject = false;
    }
  }
  if (!b.contains("from") || !b["from"].is_object() || !b["from"].contains("email")) {
    errors.push_back(err("The from object must be provided for every email send. It is an object "
                         "that requires the email parameter, but may also contain a name "
                         "parameter.  e.g. {\"email\" : \"example@example.com\"}  or "
                         "{\"email\" : \"example@example.com\", \"name\" : \"Example Recipient\"}.",
                         "from.email", "message.from"));
  } else if (!valid_email(b["from"]["email"])) {
    errors.push_back(err("The from email does not contain a valid address.", "from.email",
                         "message.from"));
  }
  if (b.contains("reply_to") && !(b["reply_to"].is_object() && valid_email(b["reply_to"].value("email", json()))))
    errors.push_back(err("The reply_to email does not contain a valid address.", "reply_to.email",
                         "message.reply_to"));
  if (!templated && !nonempty_string(b, "subject") && !every_p_subject)
    errors.push_back(err("The subject is required. You can get around this requirement if you use "
                         "a template with a subject defined or if every personalization has a "
                         "subject defined.",
                         "subject", "message.subject"));
  const json& content = b.value("content", json());
  if (!templated && (!content.is_array() || content.empty())) {
    errors.push_back(err("Unless a valid template_id is provided, the content parameter is "
                         "required. There must be at least one defined content block. We "
                         "typically suggest both text/plain and text/html blocks are included, "
                         "but only one block is required.",
                         "content", "message.content"));
  } else if (content.is_array()) {
    int plain_at = -1, html_at = -1;
    for (size_t k = 0; k < content.size(); ++k) {
      const json& c = content[k];
      std::string f = "content." + std::to_string(k);
      if (!nonempty_string(c, "type"))
        errors.push_back(err("The content type must be a string at least one character in length.",
                             f + ".type", "message.content.type"));
      if (!nonempty_string(c, "value"))
        errors.push_back(err("The content value must be a string at least one character in length.",
                             f + ".value", "message.content.value"));
      std::string t = c.is_object() ? jstr(c, "type", "") : "";
      if (t == "text/plain" && plain_at < 0) plain_at = static_cast<int>(k);
      if (t == "text/html" && html_at < 0) html_at = static_cast<int>(k);
    }
    // text/plain first, then text/html, then anything else.
    if (plain_at > 0 || (html_at >= 0 && html_at != (plain_at >= 0 ? 1 : 0)))
      errors.push_back(err("The text/plain content type must be first, followed by text/html, "
                           "followed by any other content.",
                           "content", "message.content"));
  }
  if (b.contains("attachments")) {
    const json& at = b["attachments"];
    for (size_t k = 0; at.is_array() && k < at.size(); ++k) {
      std::string f = "attachments." + std::to_string(k);
      const json& a = at[k];
      if (!nonempty_string(a, "content") || !base64_decode(a["content"].get<std::string>()))
        errors.push_back(err("The attachment content must be base64 encoded.", f + ".content",
                             "message.attachments.content"));
      if (!nonempty_string(a, "filename"))
        errors.push_back(err("The attachment filename parameter is required.", f + ".filename",
                             "message.attachments.filename"));
    }
  }
  if (b.contains("mail_settings") && b["mail_settings"].is_object() &&
      b["mail_settings"].contains("sandbox_mode")) {
    const json& sm = b["mail_settings"]["sandbox_mode"];
    if (!sm.is_object() || (sm.contains("enable") && !sm["enable"].is_boolean()))
      errors.push_back(err("The sandbox mode enable param should be a boolean value.",
                           "mail_settings.sandbox_mode.enable", "message.mail_settings.sandbox_mode"));
  }
  return errors;
}

// Real SendGrid refuses any sender that is not a verified Sender Identity:
// a verified single sender (an address in `sendgrid_verified_senders`) or an
// authenticated domain (an entry "@example.org"). Sandbox sends too.
bool verified_sender(const App& app, const json& body) {
  std::string from = body["from"]["email"].get<std::string>();
  std::transform(from.begin(), from.end(), from.begin(), [](unsigned char ch) { return std::tolower(ch); });
  const std::string domain = from.substr(from.find('@'));
  for (const auto& v : app.config.value("sendgrid_verified_senders", json::array())) {
    if (!v.is_string()) continue;
    std::string s = v.get<std::string>();
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (s == from || s == domain) return true;
  }
  return false;
}

bool sandboxed(const json& b) {
  auto ms = b.find("mail_settings");
  if (ms == b.end() || !ms->is_object()) return false;
  auto sm = ms->find("sandbox_mode");
  if (sm == ms->end() || !sm->is_object()) return false;
  return sm->value("enable", false) == true;
}

}  // namespace

void register_sendgrid(Router& r) {
  r.add("POST", "/v3/mail/send", Auth::SendGrid, [](Ctx& c) {
    long max_bytes;
    {
      std::lock_guard<std::mutex> lock(c.app.mu);
      max_bytes = c.app.cfg_long("sendgrid_max_bytes", 30L * 1024 * 1024);
    }
    if (static_cast<long>(c.req.body.size()) > max_bytes)
      return sendgrid_errors(c, 413, json::array({{{"field", nullptr},
                                                   {"message", "Payload Too Large"},
                                                   {"help", nullptr}}}));
    json body = json::parse(c.req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return sendgrid_errors(c, 400, json::array({{{"field", nullptr},
                                                   {"message", "Bad Request"},
                                                   {"help", nullptr}}}));
    json errors = validate(body);
    if (!errors.empty()) return sendgrid_errors(c, 400, errors);
    Mail m{random_string(22, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
           Clock::now(), sandboxed(body), c.token_kind, body};
    std::lock_guard<std::mutex> lock(c.app.mu);
    if (!verified_sender(c.app, body)) {
      // The body of a real answer (sendgrid-ruby PR #489).
      c.app.bump("emails_refused_sender");
      return sendgrid_errors(c, 403, json::array({{{"message",
                                                    "The from address does not match a verified Sender Identity. "
                                                    "Mail cannot be sent until this error is resolved. Visit "
                                                    "https://sendgrid.com/docs/for-developers/sending-email/"
                                                    "sender-identity/ to see the Sender Identity requirements"},
                                                   {"field", "from"},
                                                   {"help", nullptr}}}));
    }
    if (m.sandbox) {
      // Sandbox mode validates and answers 200; nothing is delivered or counted as sent.
      c.app.state.sendgrid.sandbox.push_back(m);
      c.app.bump("emails_sandboxed");
      return c.send_text(200, "", "text/plain; charset=utf-8");
    }
    c.app.state.sendgrid.outbox.push_back(m);
    c.app.bump("emails_sent");
    c.res.set_header("X-Message-Id", m.message_id);
    c.send_text(202, "", "text/plain; charset=utf-8");
  });

  r.add("GET", "/v3/scopes", Auth::SendGridScopes, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    json scopes = c.app.config.value("sendgrid_scopes", json::array({"mail.send", "alerts.read"}));
    c.res.set_header("X-RateLimit-Limit", "600");
    c.res.set_header("X-RateLimit-Remaining", "599");
    c.res.set_header("X-RateLimit-Reset",
                     std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                        Clock::now().time_since_epoch()).count() + 60));
    c.send_json(200, json{{"scopes", scopes}});
  });
}

}  // namespace fakecloud
