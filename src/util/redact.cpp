#include "photoagent/util/redact.hpp"

#include <array>
#include <cctype>
#include <regex>

#include "photoagent/util/strings.hpp"

namespace photoagent::util {

std::string mask_token(std::string_view token) {
  auto cut = token.find_last_of("_.");
  // A prefix longer than a few characters would reveal part of the secret.
  if (cut == std::string_view::npos || cut > 4) cut = std::min<std::size_t>(3, token.size() / 4);
  else cut += 1;
  return std::string(token.substr(0, cut)) + "****";
}

namespace {

bool sensitive_param(std::string_view name) {
  const std::string n = to_lower(name);
  static constexpr std::array<std::string_view, 8> words{
      "sig", "token", "key", "credential", "secret", "auth", "password", "session"};
  for (auto w : words)
    if (n.find(w) != std::string::npos) return true;
  return false;
}

bool sensitive_header(std::string_view name) {
  const std::string n = to_lower(trim(name));
  return n == "authorization" || n == "proxy-authorization" || n == "cookie" ||
         n == "set-cookie" || n == "x-api-key" || n.find("token") != std::string::npos ||
         n.find("secret") != std::string::npos;
}

std::string redact_line(std::string line, const std::vector<std::string>& secrets) {
  auto colon = line.find(':');
  if (colon != std::string::npos && colon > 0 && line.find(' ') > colon &&
      sensitive_header(std::string_view(line).substr(0, colon))) {
    return line.substr(0, colon) + ": [redacted]";
  }
  for (const auto& s : secrets) {
    if (s.size() < 4) continue;
    for (auto at = line.find(s); at != std::string::npos; at = line.find(s, at))
      line.replace(at, s.size(), "[redacted]");
  }
  static const std::regex token_shape(R"((r8_|hf_|SG\.)[A-Za-z0-9_\-\.]{8,})");
  line = std::regex_replace(line, token_shape, "$1[redacted]");
  // URLs anywhere in the line (request lines, Location headers, JSON bodies).
  static const std::regex url(R"([a-zA-Z]+://[^\s"'<>]+|(^|\s)/[^\s"'<>]*\?[^\s"'<>]*)");
  std::string out;
  std::sregex_iterator it(line.begin(), line.end(), url), end;
  std::size_t last = 0;
  for (; it != end; ++it) {
    out.append(line, last, static_cast<std::size_t>(it->position()) - last);
    out += redact_url(it->str());
    last = static_cast<std::size_t>(it->position() + it->length());
  }
  out.append(line, last, std::string::npos);
  return out;
}

}  // namespace

std::string redact_url(std::string_view url) {
  auto q = url.find('?');
  if (q == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, q + 1));
  std::string_view query = url.substr(q + 1);
  auto frag = query.find('#');
  std::string_view tail = frag == std::string_view::npos ? "" : query.substr(frag);
  query = query.substr(0, frag);
  bool first = true;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
    if (!first) out += '&';
    first = false;
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && sensitive_param(pair.substr(0, eq)))
      out += std::string(pair.substr(0, eq)) + "=REDACTED";
    else
      out += pair;
  }
  return out + std::string(tail);
}

std::string redact_trace(std::string_view chunk, const std::vector<std::string>& secrets) {
  std::string out;
  std::size_t start = 0;
  while (start < chunk.size()) {
    auto nl = chunk.find('\n', start);
    std::size_t end = nl == std::string_view::npos ? chunk.size() : nl;
    std::string line(chunk.substr(start, end - start));
    bool cr = !line.empty() && line.back() == '\r';
    if (cr) line.pop_back();
    out += redact_line(std::move(line), secrets);
    if (nl != std::string_view::npos) out += '\n';
    start = end + 1;
  }
  return out;
}

}  // namespace photoagent::util
