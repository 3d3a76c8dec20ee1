#include "photoagent/net/proxy.hpp"

#include <arpa/inet.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <utility>

#include "photoagent/net/url.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/util/text_check.hpp"

namespace photoagent::net {
namespace {

bool cidr_matches(std::string_view entry, const std::string& host) {
  const auto slash = entry.find('/');
  if (slash == std::string_view::npos) return false;
  const std::string net(entry.substr(0, slash)), bits_text(entry.substr(slash + 1));
  const auto bits = bits_text.size() <= 2 ? util::parse_uint64(bits_text) : std::nullopt;
  in_addr a{}, b{};
  if (!bits || *bits > 32 || ::inet_pton(AF_INET, net.c_str(), &a) != 1 ||
      ::inet_pton(AF_INET, host.c_str(), &b) != 1)
    return false;
  if (*bits == 0) return true;
  const std::uint32_t mask = *bits == 32 ? 0xffffffffu : ~(0xffffffffu >> *bits);
  return (ntohl(a.s_addr) & mask) == (ntohl(b.s_addr) & mask);
}

std::optional<std::pair<std::string, std::string>> first_set(const util::Env& env,
                                                             std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (auto v = env.get(n)) return std::pair<std::string, std::string>{*v, n};
  return std::nullopt;
}

}  // namespace

bool no_proxy_matches(std::string_view no_proxy, std::string_view host_in) {
  const std::string host = util::to_lower(host_in);
  std::string entry;
  auto check = [&]() {
    std::string e = util::to_lower(util::trim(entry));
    entry.clear();
    if (e.empty()) return false;
    if (e == "*") return true;
    if (e.starts_with("[") && e.ends_with("]")) e = e.substr(1, e.size() - 2);
    while (e.starts_with(".")) e.erase(0, 1);
    if (e.empty()) return false;
    if (host == e) return true;
    if (host.size() > e.size() && host.ends_with(e) && host[host.size() - e.size() - 1] == '.') return true;
    return cidr_matches(e, host);
  };
  for (char c : no_proxy) {
    if (c == ',' || c == ' ' || c == '\t') {
      if (check()) return true;
    } else {
      entry += c;
    }
  }
  return check();
}

ProxyChoice choose_proxy(std::string_view url, const util::Env& env) {
  if (!util::starts_with_icase(url, "https://")) return {"", "plain http is never sent through a proxy"};
  if (is_loopback_host(url_authority(url))) return {"", "loopback host"};
  const std::string host = url_host(url);
  if (auto np = first_set(env, {"no_proxy", "NO_PROXY"}); np && no_proxy_matches(np->first, host))
    return {"", np->second + " matches " + host};
  if (auto p = first_set(env, {"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})) return {p->first, p->second};
  return {"", "no proxy variable set"};
}

std::string proxy_for_display(std::string_view proxy) {
  const auto scheme = proxy.find("://");
  const std::size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  const auto at = proxy.find('@', start);
  const auto slash = proxy.find('/', start);
  if (at == std::string_view::npos || (slash != std::string_view::npos && at > slash)) return std::string(proxy);
  return std::string(proxy.substr(0, start)) + std::string(proxy.substr(at + 1));
}

CaChoice choose_ca(const util::Env& env) {
  CaChoice ca;
  if (auto v = first_set(env, {"CURL_CA_BUNDLE", "SSL_CERT_FILE"})) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(v->first, ec))
      throw util::usage_error(v->second + " names " + v->first + ", which is not a file",
                              "Point it at a PEM bundle of CA certificates, or unset it to use the system's.");
    ca.file = v->first;
    ca.source = v->second;
  }
  if (auto d = env.get("SSL_CERT_DIR")) ca.dir = *d;
  return ca;
}

}  // namespace photoagent::net
