#include "photoagent/util/printable.hpp"

#include <algorithm>
#include <mutex>

#include "photoagent/util/redact.hpp"

namespace photoagent::util {

namespace {

// Shorter values would match ordinary words; real tokens are 20+ characters.
constexpr std::size_t kMinSecret = 6;

std::mutex secrets_mu;
std::vector<std::string>& remembered() {
  static std::vector<std::string> all;
  return all;
}

bool is_bidi_control(char32_t cp) { return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069); }

// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 when invalid
// (overlong, surrogate, out of range or cut short).
std::size_t decode(std::string_view s, std::size_t i, char32_t& cp) {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t n;
  if (b < 0x80) { cp = b; return 1; }
  if (b >= 0xC2 && b <= 0xDF) { n = 2; cp = b & 0x1F; }
  else if (b >= 0xE0 && b <= 0xEF) { n = 3; cp = b & 0x0F; }
  else if (b >= 0xF0 && b <= 0xF4) { n = 4; cp = b & 0x07; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

// Index just past the escape sequence that starts with ESC at s[i]. A
// string-type sequence (OSC, DCS, SOS, PM, APC) runs to its terminator (BEL,
// ESC \ or C1 ST); one left open stops at the end of the line, so one bad
// byte cannot swallow the rest of a log.
std::size_t skip_escape(std::string_view s, std::size_t i) {
  ++i;  // ESC
  if (i >= s.size()) return i;
  const char kind = s[i++];
  if (kind == '[') {  // CSI: parameters, intermediates, one final byte
    while (i < s.size() && s[i] >= 0x20 && s[i] <= 0x3F) ++i;
    if (i < s.size() && s[i] >= 0x40 && s[i] <= 0x7E) ++i;
    return i;
  }
  if (kind == ']' || kind == 'P' || kind == 'X' || kind == '^' || kind == '_') {
    while (i < s.size()) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c == 0x07) return i + 1;
      if (c == 0x1B) return i + 1 < s.size() && s[i + 1] == '\\' ? i + 2 : i;
      if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x9C) return i + 2;
      if (c == '\n' || c == '\r') return i;
      ++i;
    }
    return i;
  }
  if (kind >= 0x20 && kind <= 0x2F) {  // ESC ( B and kin: intermediates, then a final byte
    while (i < s.size() && s[i] >= 0x20 && s[i] <= 0x2F) ++i;
    if (i < s.size() && s[i] >= 0x30 && s[i] <= 0x7E) ++i;
    return i;
  }
  // Two-byte sequences (ESC 7, ESC c, ...) end with their second byte; any
  // other byte after ESC is left to be judged on its own.
  return kind >= 0x30 && kind <= 0x7E ? i : i - 1;
}

std::string strip_controls(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b == 0x1B) {
      i = skip_escape(s, i);
      continue;
    }
    if (b == '\r') {  // tqdm redraws with \r: each redraw on its own line
      if (i + 1 >= s.size() || s[i + 1] != '\n') out += '\n';
      ++i;
      continue;
    }
    if (b < 0x20 || b == 0x7F) {
      if (b == '\n' || b == '\t') out += static_cast<char>(b);
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t n = decode(s, i, cp);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
      continue;
    }
    if (!(cp >= 0x80 && cp <= 0x9F) && !is_bidi_control(cp)) out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

void mask_all(std::string& text, const std::string& secret) {
  if (secret.size() < kMinSecret) return;
  const std::string mask = mask_token(secret);
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + mask.size()))
    text.replace(at, secret.size(), mask);
}

}  // namespace

void remember_secret(std::string_view secret) {
  if (secret.size() < kMinSecret) return;
  std::lock_guard<std::mutex> lock(secrets_mu);
  auto& all = remembered();
  if (std::find(all.begin(), all.end(), secret) == all.end()) all.emplace_back(secret);
}

std::string printable(std::string_view text, const std::vector<std::string>& secrets) {
  // Masked after stripping, so a secret split by escape sequences is found.
  std::string out = strip_controls(text);
  for (const auto& s : secrets) mask_all(out, s);
  std::lock_guard<std::mutex> lock(secrets_mu);
  for (const auto& s : remembered()) mask_all(out, s);
  return out;
}

std::string printable_line(std::string_view text, const std::vector<std::string>& secrets) {
  const std::string full = printable(text, secrets);
  std::string out;
  out.reserve(full.size());
  for (char c : full) {
    if (c == '\n' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace photoagent::util
