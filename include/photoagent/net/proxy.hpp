#pragma once
// Which proxy a request goes through, decided by photoagent itself from the
// variables curl reads (so --debug can say it, and so a token never crosses
// a proxy in clear text), then handed to curl explicitly.

#include <string>
#include <string_view>

#include "photoagent/util/env.hpp"

namespace photoagent::net {

struct ProxyChoice {
  std::string proxy;   // empty: connect directly
  std::string reason;  // the variable it came from, or why there is none
};

// https URLs: https_proxy, HTTPS_PROXY, all_proxy, ALL_PROXY (first set),
// unless no_proxy/NO_PROXY matches the host. Plain http URLs and loopback
// hosts never use a proxy: plain http goes only to loopback hosts (base URL
// rule), and through a proxy its Authorization header would travel in clear.
ProxyChoice choose_proxy(std::string_view url, const util::Env& env);

// curl's NO_PROXY rules: comma/space separated; "*" matches every host; an
// entry matches the host itself and its subdomains (a leading '.' is
// ignored); an IPv4 entry may be a CIDR range.
bool no_proxy_matches(std::string_view no_proxy, std::string_view host);

// A proxy URL fit for a log line: user and password removed.
std::string proxy_for_display(std::string_view proxy);

// The CA bundle curl is told to use: CURL_CA_BUNDLE, else SSL_CERT_FILE
// (as the curl tool reads them; libcurl alone ignores both). Throws
// util::Error when the variable names a file that does not exist.
struct CaChoice {
  std::string file;    // empty: libcurl's built-in default
  std::string source;  // the variable
  std::string dir;     // SSL_CERT_DIR, when set
};
CaChoice choose_ca(const util::Env& env);

}  // namespace photoagent::net
