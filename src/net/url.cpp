#include "photoagent/net/url.hpp"

#include <cctype>

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
