#include "photoagent/net/url.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cctype>
#include <cstring>

#include "photoagent/net/http.hpp"

#include "photoagent/util/error.hpp"
#include "photoagent/util/strings.hpp"

namespace photoagent::net {

std::string url_authority(std::string_view url) {
  auto start = url.find("://");
  start = start == std::string_view::npos ? 0 : start + 3;
  auto end = url.find_first_of("/?#", start);
  return std::string(url.substr(start, end == std::string_view::npos ? url.npos : end - start));
}

bool is_loopback_host(std::string_view authority) {
  std::string host(authority.substr(authority.find('@') == std::string_view::npos ? 0 : authority.find('@') + 1));
  if (host.starts_with("[")) return host.starts_with("[::1]");
  host = host.substr(0, host.find(':'));
  host = util::to_lower(host);
  if (host == "localhost") return true;
  // 127.0.0.0/8 as a dotted quad only: "127.0.0.1.example.com" is not loopback.
  int parts = 0;
  for (const auto& p : util::split(host, '.', false)) {
    if (p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != std::string::npos) return false;
    ++parts;
  }
  return parts == 4 && host.starts_with("127.");
}

std::string checked_base_url(std::string url, std::string_view source) {
  url = util::trim(url);
  while (url.ends_with('/')) url.pop_back();
  const std::string lower = util::to_lower(url);
  const std::string origin = std::string(source);
  if (!lower.starts_with("https://") && !lower.starts_with("http://"))
    throw util::usage_error(origin + " must be an http(s) URL, not '" + url + "'");
  if (url_authority(url).empty()) throw util::usage_error(origin + " has no host: '" + url + "'");
  if (lower.starts_with("http://") && !is_loopback_host(url_authority(url)))
    throw util::usage_error(origin + " uses plain http:// to a non-local host (" + url_authority(url) +
                                "); tokens would travel unencrypted",
                            "Use https://, or http:// only with localhost / 127.0.0.1.");
  return url;
}

std::string url_host(std::string_view url) {
  const std::string authority = url_authority(url);
  std::string_view a = authority;
  if (auto at = a.rfind('@'); at != std::string_view::npos) a = a.substr(at + 1);
  if (a.starts_with("[")) {
    auto close = a.find(']');
    return util::to_lower(a.substr(1, close == std::string_view::npos ? a.npos : close - 1));
  }
  return util::to_lower(a.substr(0, a.find(':')));
}

namespace {

bool non_public_v4(std::uint32_t a) {  // host byte order
  auto in = [a](std::uint32_t net, int bits) { return (a >> (32 - bits)) == (net >> (32 - bits)); };
  return in(0x00000000, 8) || in(0x0A000000, 8) || in(0x64400000, 10) || in(0x7F000000, 8) ||
         in(0xA9FE0000, 16) || in(0xAC100000, 12) || in(0xC0000000, 24) || in(0xC0A80000, 16) ||
         in(0xC6120000, 15) || in(0xE0000000, 4) || in(0xF0000000, 4);
}

bool non_public_v6(const unsigned char* b) {
  static const unsigned char zero[16] = {};
  if (std::memcmp(b, zero, 15) == 0 && (b[15] == 0 || b[15] == 1)) return true;  // :: and ::1
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(b, mapped, 12) == 0)
    return non_public_v4((std::uint32_t{b[12]} << 24) | (std::uint32_t{b[13]} << 16) | (std::uint32_t{b[14]} << 8) | b[15]);
  return (b[0] & 0xfe) == 0xfc ||                 // fc00::/7 unique local
         (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||  // fe80::/10 link-local
         (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) ||  // fec0::/10 old site-local
         b[0] == 0xff;                             // multicast
}

}  // namespace

bool is_non_public_address(const sockaddr* address) {
  if (address == nullptr) return true;
  if (address->sa_family == AF_INET)
    return non_public_v4(ntohl(reinterpret_cast<const sockaddr_in*>(address)->sin_addr.s_addr));
  if (address->sa_family == AF_INET6)
    return non_public_v6(reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr.s6_addr);
  return true;  // anything else (unix sockets) is not the public internet
}

bool is_non_public_ip(std::string_view host) {
  const std::string h(host);
  in_addr v4{};
  if (::inet_pton(AF_INET, h.c_str(), &v4) == 1) return non_public_v4(ntohl(v4.s_addr));
  in6_addr v6{};
  if (::inet_pton(AF_INET6, h.c_str(), &v6) == 1) return non_public_v6(v6.s6_addr);
  return false;
}

void check_untrusted_url(std::string_view url, bool allow_private) {
  const std::string host = url_host(url);
  const bool https = util::starts_with_icase(url, "https://");
  auto refuse = [&](const std::string& why) {
    throw TransportError(TransportError::Kind::refused, true,
                         "refused to fetch " + (host.empty() ? std::string("a URL") : host) + ": " + why);
  };
  if (!https && !util::starts_with_icase(url, "http://")) refuse("only https:// URLs are fetched");
  if (host.empty()) refuse("the URL has no host");
  const bool loopback = is_loopback_host(url_authority(url));
  if (!https && !loopback) refuse("plain http:// is only allowed to loopback hosts");
  if (!allow_private && (loopback || is_non_public_ip(host)))
    refuse("a loopback, private or link-local address, and the service's base URL is not loopback");
}

void check_redirect(std::string_view from, std::string_view to, bool untrusted, bool allow_private) {
  if (util::starts_with_icase(from, "https://") && !util::starts_with_icase(to, "https://")) {
    const auto scheme = to.find("://");
    const std::string origin =
        (scheme == std::string_view::npos ? std::string() : std::string(to.substr(0, scheme + 3))) + url_authority(to);
    throw TransportError(TransportError::Kind::refused, false,
                         "refused a redirect from https://" + url_authority(from) + " to " + origin +
                             " (a downgrade from https)");
  }
  if (untrusted) check_untrusted_url(to, allow_private);
}

std::string url_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace photoagent::net
