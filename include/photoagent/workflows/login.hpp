#pragma once
// Verifying a secret against its service before anything is stored.

#include <string>

#include "photoagent/net/retry.hpp"
#include "photoagent/services/service.hpp"

namespace photoagent::workflows {

struct Verified {
  std::string account;  // Replicate username, HF user, SendGrid sender
  std::string detail;   // e.g. "write token", "scopes: mail.send, ..."
  std::string warning;  // something the user should know, or ""
};

struct MailAddresses {
  std::string from;  // SendGrid sender (needed for the sandbox-send check)
  std::string to;
};

// Asks the service who the secret belongs to. A rejected secret is
// util::Error with exit 4; nothing is stored here.
Verified verify_credential(const net::Client& client, services::Service s, const std::string& secret,
                           const MailAddresses& mail = {});

// A rough check of an email address (something@host.tld), as SendGrid would reject.
bool plausible_email(const std::string& address);

}  // namespace photoagent::workflows
