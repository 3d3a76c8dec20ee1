#pragma once
// SendGrid's v3 API (reference/hf_sendgrid.md §8).

#include <optional>
#include <string>
#include <vector>

#include "photoagent/services/api.hpp"

namespace photoagent::services::sendgrid {

// GET /v3/scopes. Returns nothing when the key may not list its scopes (a
// restricted send-only key gets 403 there); throws on a rejected key.
std::optional<std::vector<std::string>> scopes(const Api& api);

struct Mail {
  std::string from;
  std::string to;
  std::string subject;
  std::string text;
  std::string html;  // optional
};

// POST /v3/mail/send. Returns the X-Message-Id (may be empty). In sandbox
// mode SendGrid validates the request and sends nothing (answers 200).
std::string send_mail(const Api& api, const Mail& mail, bool sandbox = false);

}  // namespace photoagent::services::sendgrid
