#pragma once
// URL checks and building blocks.

#include <string>
#include <string_view>

struct sockaddr;

namespace photoagent::net {

// Validates a base URL taken from `source` (an environment variable name or
// "default"): http(s) only, plain http only to loopback hosts (a token must
// never cross a network in clear text). Returns it without a trailing '/'.
std::string checked_base_url(std::string url, std::string_view source);

// The "host[:port]" of a URL.
std::string url_authority(std::string_view url);

// True for localhost, 127.0.0.0/8 and [::1].
bool is_loopback_host(std::string_view host);

// The host of a URL in lower case: no scheme, userinfo, port or IPv6 brackets.
std::string url_host(std::string_view url);

// True for addresses a URL handed out by a service must not reach unless the
// configured base URL is itself loopback: loopback, RFC 1918 and fc00::/7
// private, link-local (cloud metadata lives at 169.254.169.254), shared
// 100.64/10, unspecified, multicast and reserved ranges, IPv4-mapped IPv6 of
// those. `is_non_public_ip` takes an IP literal and is false for host names.
bool is_non_public_address(const sockaddr* address);
bool is_non_public_ip(std::string_view host);

// Throws TransportError (Kind::refused) unless `url` may be fetched as a URL
// a service handed out: https, or http to a loopback host; with
// `allow_private` false, never a loopback/private host name or IP literal.
void check_untrusted_url(std::string_view url, bool allow_private);

// Throws TransportError (Kind::refused) for a redirect from `from` to `to`
// that leaves https, or (for untrusted URLs) breaks check_untrusted_url.
void check_redirect(std::string_view from, std::string_view to, bool untrusted, bool allow_private);

// Percent-encodes everything but unreserved characters (RFC 3986).
std::string url_encode(std::string_view s);

}  // namespace photoagent::net
