#include "photoagent/workflows/login.hpp"

#include <algorithm>
#include <regex>

#include "photoagent/services/huggingface.hpp"
#include "photoagent/services/replicate.hpp"
#include "photoagent/services/sendgrid.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/strings.hpp"

namespace photoagent::workflows {
using services::Api;
using services::Service;

bool plausible_email(const std::string& a) {
  static const std::regex shape(R"(^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$)");
  return std::regex_match(a, shape);
}

namespace {

Verified verify_sendgrid(const Api& api, const MailAddresses& mail) {
  if (auto scopes = services::sendgrid::scopes(api)) {
    if (std::find(scopes->begin(), scopes->end(), "mail.send") == scopes->end())
      throw util::auth_error("this SendGrid key cannot send mail (it lacks the mail.send scope)",
                             "Create a key with 'Mail Send' access and run 'photoagent login --sendgrid' again.");
    return {mail.from, std::to_string(scopes->size()) + " scopes incl. mail.send", ""};
  }
  // A restricted send-only key may not list scopes: a sandbox send proves it
  // can send, without delivering anything.
  if (mail.from.empty())
    throw util::usage_error("this SendGrid key cannot list its scopes, so it must be checked with a test send",
                            "Pass the sender: 'photoagent login --sendgrid --from you@example.com'.");
  services::sendgrid::Mail m{mail.from, mail.to.empty() ? mail.from : mail.to, "photoagent key check",
                             "photoagent checked that this key may send mail (sandbox mode, not delivered).", ""};
  services::sendgrid::send_mail(api, m, /*sandbox=*/true);
  return {mail.from, "send-only key (verified by a sandbox send)", ""};
}

}  // namespace

Verified verify_credential(const net::Client& client, Service s, const std::string& secret,
                           const MailAddresses& mail) {
  Api api(client, s, secret);
  switch (s) {
    case Service::replicate: {
      auto a = services::replicate::get_account(api);
      return {a.username, a.type.empty() ? "" : a.type + " account", ""};
    }
    case Service::huggingface: {
      auto w = services::huggingface::whoami(api);
      std::string warning;
      if (w.role == "read")
        warning = "this is a read-only token: photoagent cannot push trained LoRAs with it";
      return {w.name, w.role.empty() ? "" : w.role + " token", warning};
    }
    case Service::sendgrid:
      return verify_sendgrid(api, mail);
  }
  throw util::failure("unknown service");
}

}  // namespace photoagent::workflows
