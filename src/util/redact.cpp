#include "photoagent/util/redact.hpp"

#include <array>
#include <cctype>

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

// Plain scanners, not std::regex: a debug line can be a 60 kB header, and
// libstdc++'s regex recurses per character (it crashed on such lines).
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }
bool ends_url(char c) { return is_space(c) || c == '"' || c == '\'' || c == '<' || c == '>'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool token_char(char c) { return is_alpha(c) || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'; }

// "r8_", "hf_" or "SG." followed by 8+ token characters: the prefix stays.
std::string redact_token_shapes(const std::string& line) {
  static constexpr std::array<std::string_view, 3> prefixes{"r8_", "hf_", "SG."};
  std::string out;
  out.reserve(line.size());
  for (std::size_t i = 0; i < line.size();) {
    bool hit = false;
    for (auto p : prefixes) {
      if (std::string_view(line).substr(i, p.size()) != p) continue;
      std::size_t end = i + p.size();
      while (end < line.size() && token_char(line[end])) ++end;
      if (end - i - p.size() < 8) continue;
      out.append(p);
      out += "[redacted]";
      i = end;
      hit = true;
      break;
    }
    if (!hit) out += line[i++];
  }
  return out;
}

// URLs anywhere in the line (request lines, Location headers, JSON bodies):
// "scheme://..." and " /path?query" get their signed parameters redacted.
std::string redact_urls(const std::string& line) {
  std::string out;
  out.reserve(line.size());
  auto url_end = [&](std::size_t from) {
    while (from < line.size() && !ends_url(line[from])) ++from;
    return from;
  };
  for (std::size_t i = 0; i < line.size();) {
    if (is_alpha(line[i])) {
      std::size_t j = i;
      while (j < line.size() && is_alpha(line[j])) ++j;
      if (line.compare(j, 3, "://") == 0 && j + 3 < line.size() && !ends_url(line[j + 3])) {
        const std::size_t end = url_end(j + 3);
        out += redact_url(std::string_view(line).substr(i, end - i));
        i = end;
      } else {
        out.append(line, i, j - i);
        i = j;
      }
      continue;
    }
    const std::size_t slash = i == 0 && line[0] == '/' ? 0 : (is_space(line[i]) && i + 1 < line.size() && line[i + 1] == '/') ? i + 1 : std::string::npos;
    if (slash != std::string::npos) {
      const std::size_t end = url_end(slash);
      if (line.find('?', slash) < end) {
        out += redact_url(std::string_view(line).substr(i, end - i));
        i = end;
        continue;
      }
    }
    out += line[i++];
  }
  return out;
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
  return redact_urls(redact_token_shapes(line));
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
