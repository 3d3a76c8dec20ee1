#pragma once
// SendGrid's v3 API (reference/hf_sendgrid.md §8).

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "photoagent/services/api.hpp"

namespace photoagent::services::sendgrid {

// GET /v3/scopes. Returns nothing when the key may not list its scopes (a
// restricted send-only key gets 403 there); throws on a rejected key.
std::optional<std::vector<std::string>> scopes(const Api& api);
// The scopes in a /v3/scopes answer; util::Error (exit 5) naming the field otherwise.
std::vector<std::string> parse_scopes(const std::string& body);

struct Mail {
  std::string from;
  std::string to;
  std::string subject;
  std::string text;
  std::string html;  // optional
};

// The request went out and no clear answer came back (broken connection,
// 5xx): the mail may or may not have been sent. SendGrid has no idempotency
// key, so callers must not resend blindly.
class MaybeSent : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// POST /v3/mail/send. Returns the X-Message-Id (may be empty). In sandbox
// mode SendGrid validates the request and sends nothing (answers 200).
// Throws MaybeSent for an unknown outcome, util::Error when SendGrid refused
// (a sender that is not a verified Sender Identity: exit 4, "verify the
// sender", as the key itself is fine).
std::string send_mail(const Api& api, const Mail& mail, bool sandbox = false);

// True when a SendGrid error body ({"errors":[{"field",...}]}) names `field`;
// a 403 naming "from" means the sender is not verified.
bool error_names_field(const net::Response& r, std::string_view field);

}  // namespace photoagent::services::sendgrid
