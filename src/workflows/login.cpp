#include "photoagent/workflows/login.hpp"

#include <algorithm>
#include <vector>

#include "photoagent/services/huggingface/whoami.hpp"
#include "photoagent/services/replicate/account.hpp"
#include "photoagent/services/sendgrid.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/util/text_check.hpp"

namespace photoagent::workflows {
using services::Api;
using services::Service;

// A plain scan, bounded in length: an address comes from the command line.
bool plausible_email(const std::string& a) { return util::plausible_email(a); }

namespace {

namespace hf = services::huggingface;

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
  return out;
}

// A pushed LoRA goes to a repo the token can write: say at login, not at
// the end of a paid training, when it cannot write to the user's own
// namespace (read-only, or fine-grained without repo.write there).
Verified describe_hf(const hf::WhoAmI& w) {
  Verified v{w.name, w.role.empty() ? "" : w.role + " token", ""};
  if (w.role == "read") {
    v.warning = "this is a read-only token: photoagent cannot push trained LoRAs with it";
    return v;
  }
  if (w.role != "fineGrained") return v;
  const auto targets = hf::writable_targets(w);
  v.detail = "fine-grained token, " + (targets.empty() ? "no repo.write" : "writes to " + joined(targets));
  if (targets.empty())
    v.warning = "this fine-grained token has no repo.write permission: photoagent cannot push trained LoRAs "
                "with it (give it 'repo.write' on " + w.name + " at https://huggingface.co/settings/tokens)";
  else if (!contains(targets, w.name))
    v.warning = "this fine-grained token cannot write to " + w.name + "; it can write to " + joined(targets) +
                " only: give trained LoRAs a repo there (--hf-repo), or give the token 'repo.write' on " + w.name;
  return v;
}

Verified verify_sendgrid(const Api& api, const MailAddresses& mail) {
  Verified v{mail.from, "", ""};
  if (auto scopes = services::sendgrid::scopes(api)) {
    if (std::find(scopes->begin(), scopes->end(), "mail.send") == scopes->end())
      throw util::auth_error("this SendGrid key cannot send mail (it lacks the mail.send scope)",
                             "Create a key with 'Mail Send' access and run 'photoagent login --sendgrid' again.");
    v.detail = std::to_string(scopes->size()) + " scopes incl. mail.send";
  } else if (mail.from.empty()) {
    // A restricted send-only key may not list scopes: only a send tells.
    throw util::usage_error("this SendGrid key cannot list its scopes, so it must be checked with a test send",
                            "Pass the sender: 'photoagent login --sendgrid --from you@example.com'.");
  } else {
    v.detail = "send-only key";
  }
  if (mail.from.empty()) return v;
  // A sandbox send delivers nothing and costs no credit, yet SendGrid checks
  // the sender: an unverified one is refused here, not after a training.
  services::sendgrid::Mail m{mail.from, mail.to.empty() ? mail.from : mail.to, "photoagent key check",
                             "photoagent checked that this key may send mail (sandbox mode, not delivered).", ""};
  try {
    services::sendgrid::send_mail(api, m, /*sandbox=*/true);
  } catch (const services::sendgrid::MaybeSent& e) {
    throw util::remote_error(std::string("SendGrid did not answer the test send (sandbox mode, nothing is delivered): ") +
                                 e.what(),
                             "Try 'photoagent login --sendgrid' again in a few minutes.");
  }
  v.detail += ", sender " + mail.from + " checked by a sandbox send";
  return v;
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
    case Service::huggingface:
      return describe_hf(services::huggingface::whoami(api));
    case Service::sendgrid:
      return verify_sendgrid(api, mail);
  }
  throw util::failure("unknown service");
}

}  // namespace photoagent::workflows
