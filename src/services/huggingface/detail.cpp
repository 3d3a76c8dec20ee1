// The error handling and sending shared by every Hub call (hf_sendgrid.md §6).
#include "detail.hpp"

#include <algorithm>
#include <regex>

#include "photoagent/net/url.hpp"
#include "photoagent/util/error.hpp"

namespace photoagent::services::huggingface::detail {

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
  // The length check first: std::regex recurses per character, so it only
  // ever sees text as short as a valid id.
  const bool ok = repo_id.size() <= 193 && slash != std::string::npos && std::regex_match(repo_id.substr(0, slash), part) &&
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

}  // namespace photoagent::services::huggingface::detail
