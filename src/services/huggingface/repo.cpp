// Hugging Face repos (hf_sendgrid.md §2).
#include "photoagent/services/huggingface/repo.hpp"

#include <nlohmann/json.hpp>

#include "detail.hpp"
#include "photoagent/services/huggingface/whoami.hpp"
#include "photoagent/util/error.hpp"

namespace photoagent::services::huggingface {
using nlohmann::json;

bool create_repo(const Api& api, const std::string& repo_id, bool private_repo) {
  detail::check_repo_id(repo_id);
  // A token that cannot write there (read-only, or fine-grained without
  // repo.write on the namespace) is told so before anything is sent.
  require_write_access(api, repo_id);
  const auto slash = repo_id.find('/');
  // `visibility` alone, as huggingface_hub >= 1.8 and huggingface.js send it;
  // the Hub still reads the legacy `private`, but two fields that could
  // disagree are one too many for a face LoRA that must stay private.
  const json body = {{"name", repo_id.substr(slash + 1)},
                     {"organization", repo_id.substr(0, slash)},
                     {"type", "model"},
                     {"visibility", private_repo ? "private" : "public"}};
  const std::string action = "create the repo " + repo_id;
  for (int attempt = 1;; ++attempt) {
    net::Request req;
    req.method = "POST";
    req.url = api.base() + "/api/repos/create";
    req.body = body.dump();
    req.header("Content-Type", "application/json");
    // Repeating a create is harmless: a second one answers 409 (exists).
    req.idempotent = true;
    net::Response r = detail::send(api, std::move(req), action, {401, 402, 403, 409});
    if (r.status >= 200 && r.status < 300) return true;
    if (r.status == 409) {
      // The Hub asks for a retry while another operation holds the name.
      const bool busy = service_message(Service::huggingface, r).find("conflicting operation is in progress") !=
                        std::string::npos;
      if (!busy) return false;
      if (attempt >= 5) detail::throw_error(r, action);
      api.client().sleep(net::backoff_delay(api.client().policy(), attempt));
      continue;
    }
    // A token scoped to one existing repo may not create repos: if the repo
    // is there and readable, there is nothing to create (as exist_ok does).
    if (!detail::says_bad_token(r)) {
      net::Request info;
      info.url = api.base() + "/api/models/" + repo_id;
      net::Response i;
      try {
        i = api.raw(std::move(info));
      } catch (const net::TransportError&) {
        detail::throw_error(r, action);
      }
      if (i.status == 200) return false;
    }
    detail::throw_error(r, action);
  }
}

bool delete_repo(const Api& api, const std::string& repo_id) {
  detail::check_repo_id(repo_id);
  const auto slash = repo_id.find('/');
  net::Request req;
  req.method = "DELETE";
  req.url = api.base() + "/api/repos/delete";
  req.body = json{{"name", repo_id.substr(slash + 1)}, {"organization", repo_id.substr(0, slash)}, {"type", "model"}}.dump();
  req.header("Content-Type", "application/json");
  const net::Response r = detail::send(api, std::move(req), "delete the repo " + repo_id, {404});
  return r.status != 404;
}

}  // namespace photoagent::services::huggingface
