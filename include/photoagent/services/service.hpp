#pragma once
// The three remote services, their names, base URLs and how their failures
// become util::Error with an action for the user.

#include <string>
#include <string_view>

#include "photoagent/net/http.hpp"

#include "photoagent/util/env.hpp"

namespace photoagent::services {

enum class Service { replicate, huggingface, sendgrid };

std::string_view display_name(Service s);   // "Replicate"
std::string_view login_flag(Service s);     // "--replicate"
std::string_view token_env_var(Service s);  // "REPLICATE_API_TOKEN"

// Base URLs, overridable for tests and proxies (DESIGN §3):
// REPLICATE_API_BASE_URL (with /v1), HF_ENDPOINT, SENDGRID_API_BASE_URL.
std::string base_url(Service s, const util::Env& env = util::process_env());

// An HTTP error response as a util::Error: 401/403 -> exit 4 naming the login
// to run, 404 -> 3, other 4xx -> 1, 5xx/429 -> 5; the service's own message
// (problem+json detail, HF error, SendGrid errors[]) is kept.
[[noreturn]] void throw_http_error(Service s, const net::Response& r, std::string_view action);

// A transport failure (no response) as a util::Error (exit 5).
[[noreturn]] void throw_unreachable(Service s, const net::TransportError& e);

// The service's own error text from a response body, or "" when none.
std::string service_message(Service s, const net::Response& r);

}  // namespace photoagent::services
