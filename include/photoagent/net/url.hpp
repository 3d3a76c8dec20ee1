#pragma once
// URL checks and building blocks.

#include <string>
#include <string_view>

namespace photoagent::net {

// Validates a base URL taken from `source` (an environment variable name or
// "default"): http(s) only, plain http only to loopback hosts (a token must
// never cross a network in clear text). Returns it without a trailing '/'.
std::string checked_base_url(std::string url, std::string_view source);

// The "host[:port]" of a URL.
std::string url_authority(std::string_view url);

// True for localhost, 127.0.0.0/8 and [::1].
bool is_loopback_host(std::string_view host);

// Percent-encodes everything but unreserved characters (RFC 3986).
std::string url_encode(std::string_view s);

}  // namespace photoagent::net
