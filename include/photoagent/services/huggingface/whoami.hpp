#pragma once
// Who a Hugging Face token belongs to, and where it may push
// (reference/hf_sendgrid.md §1).

#include <string>
#include <vector>

#include "photoagent/services/api.hpp"

namespace photoagent::services::huggingface {

// One grant of a fine-grained token: permissions on a user, an org or a
// single repo (auth.accessToken.fineGrained.scoped[] in whoami-v2).
struct TokenScope {
  std::string type;  // "user" | "org" | "model" | "dataset" | "space"
  std::string name;  // a namespace, or "owner/name" for a repo
  std::vector<std::string> permissions;  // "repo.write", "inference.serverless.write", ...
};

struct WhoAmI {
  std::string name;  // the user's namespace
  std::string type;  // "user" | "org" | "app"
  std::string role;  // the token's role: read | write | admin | contributor | fineGrained
  std::vector<std::string> orgs;
  std::vector<TokenScope> scoped;  // fine-grained tokens only
};

// GET /api/whoami-v2.
WhoAmI whoami(const Api& api);
// Its answer; util::Error (exit 5) naming the field when `name` is not a
// string or the body is not JSON (services/json_read.hpp).
WhoAmI parse_whoami(const std::string& body);

// Where this token may create and push model repos: namespaces, and single
// repos ("owner/name") a fine-grained token was scoped to. Empty for a read
// token; for a role the Hub may add later, nothing is known (see below).
std::vector<std::string> writable_targets(const WhoAmI& who);

// "" when the token may push to repo_id (or when whoami cannot tell), else
// why not, naming what it can write to.
std::string write_refusal(const WhoAmI& who, const std::string& repo_id);

// Asks whoami and throws util::Error (exit 4) when the token cannot write to
// repo_id, so a push fails before anything is uploaded.
void require_write_access(const Api& api, const std::string& repo_id);

}  // namespace photoagent::services::huggingface
