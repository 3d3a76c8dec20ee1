// Hugging Face repos (hf_sendgrid.md §2) and the error handling shared by
// every Hub call (§6).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>

#include "photoagent/net/url.hpp"
#include "photoagent/services/huggingface.hpp"
#include "photoagent/util/error.hpp"
#include "services/huggingface_internal.hpp"

namespace photoagent::services::huggingface {
using nlohmann::json;

namespace detail {

namespace {
std::string scheme(const std::string& url) { return url.substr(0, url.find("://")); }
}  // namespace

bool says_bad_token(const net::Response& r) {
  static constexpr std::string_view kBadToken = "Invalid credentials in Authorization header";
  if (r.status != 401) return false;
  if (auto m = r.header("x-error-message"); m && *m == kBadToken) return true;
  return service_message(Service::huggingface, r) == kBadToken;
}

void check_repo_id(const std::string& repo_id) {
  // The Hub's rule for each part (letters, digits, '-', '_', '.'; no '--' or
  // '..'; at most 96 characters), which also keeps the URL path safe.
  static const std::regex part(R"([A-Za-z0-9]([A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?)");
  const auto slash = repo_id.find('/');
  const bool ok = slash != std::string::npos && std::regex_match(repo_id.substr(0, slash), part) &&
                  std::regex_match(repo_id.substr(slash + 1), part) && repo_id.find("--") == std::string::npos &&
                  repo_id.find("..") == std::string::npos;
  if (!ok)
    throw util::usage_error("'" + repo_id + "' is not a Hugging Face repo id",
                            "Use OWNER/NAME: letters, digits, '-', '_' and '.', e.g. ada/ada-lora.");
}

void throw_error(const net::Response& r, std::string_view action) {
  if (r.status == 401 && !says_bad_token(r)) {
    std::string text = "Hugging Face refused to " + std::string(action) +
                       " (401): the repository does not exist or this token cannot see it";
    if (auto msg = service_message(Service::huggingface, r); !msg.empty()) text += " (" + msg + ")";
    if (auto id = r.header("x-request-id")) text += " [request " + *id + "]";
    throw util::not_found(text,
                          "Check the repo id. A private repo is visible only to its owner and the members of its "
                          "organization: run 'photoagent login --huggingface' with such a token.");
  }
  throw_http_error(Service::huggingface, r, action);
}

net::Response send(const Api& api, net::Request req, std::string_view action, std::initializer_list<long> accept) {
  net::Response r;
  try {
    r = api.raw(std::move(req));
  } catch (const net::TransportError& e) {
    throw_unreachable(Service::huggingface, e);
  }
  if ((r.status >= 200 && r.status < 300) || std::find(accept.begin(), accept.end(), r.status) != accept.end())
    return r;
  throw_error(r, action);
}

bool on_hub(const Api& api, const std::string& url) {
  return scheme(url) == scheme(api.base()) && net::url_authority(url) == net::url_authority(api.base());
}

}  // namespace detail

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
      net::interruptible_sleep(net::backoff_delay(api.client().policy(), attempt));
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

}  // namespace photoagent::services::huggingface
