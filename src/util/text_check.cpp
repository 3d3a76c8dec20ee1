#include "photoagent/util/text_check.hpp"

#include <charconv>

#include "photoagent/util/error.hpp"

namespace photoagent::util {

std::optional<std::size_t> invalid_utf8_at(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The lead byte fixes the length and the range of the second byte
    // (Unicode table 3-7: this is what rules out overlongs and surrogates).
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) len = 3, lo = 0xA0;
    else if (c >= 0xE1 && c <= 0xEC) len = 3;
    else if (c == 0xED) len = 3, hi = 0x9F;
    else if (c >= 0xEE && c <= 0xEF) len = 3;
    else if (c == 0xF0) len = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) len = 4, hi = 0x8F;
    else return i;
    if (i + 1 >= n || p[i + 1] < lo || p[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if (i + k >= n || p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    i += len;
  }
  return std::nullopt;
}

void check_text(std::string_view what, std::string_view value) {
  if (auto at = invalid_utf8_at(value))
    throw usage_error(std::string(what) + " is not valid UTF-8 at byte " + std::to_string(*at + 1),
                      "Save the text as UTF-8 (e.g. iconv -f LATIN1 -t UTF-8).");
  if (auto nul = value.find('\0'); nul != std::string_view::npos)
    throw usage_error(std::string(what) + " holds a NUL character at byte " + std::to_string(nul + 1));
}

std::string excerpt(std::string_view s, std::size_t max) {
  std::string out;
  std::size_t i = 0, shown = 0;
  while (i < s.size() && shown < max) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      // One whole UTF-8 character, or '?' for a byte that starts none.
      const auto bad = invalid_utf8_at(s.substr(i, std::min<std::size_t>(4, s.size() - i)));
      const std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      if (bad && *bad == 0) {
        out += '?';
        ++i;
      } else {
        out.append(s.substr(i, len));
        i += len;
      }
    } else {
      out += c < 0x20 || c == 0x7F ? '?' : static_cast<char>(c);
      ++i;
    }
    ++shown;
  }
  if (i < s.size()) out += "... (" + std::to_string(s.size()) + " bytes)";
  return out;
}

namespace {
template <class T>
std::optional<T> parse_whole(std::string_view s) noexcept {
  if (s.empty() || s.front() == '+') return std::nullopt;
  T v{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}
}  // namespace

std::optional<std::int64_t> parse_int64(std::string_view s) noexcept { return parse_whole<std::int64_t>(s); }

std::optional<std::uint64_t> parse_uint64(std::string_view s) noexcept {
  if (!s.empty() && s.front() == '-') return std::nullopt;
  return parse_whole<std::uint64_t>(s);
}

bool plausible_email(std::string_view a) noexcept {
  if (a.empty() || a.size() > 254 || invalid_utf8_at(a)) return false;
  std::size_t at = std::string_view::npos;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto c = static_cast<unsigned char>(a[i]);
    if (c <= 0x20 || c == 0x7F || c == ',' || c == ';' || c == '<' || c == '>') return false;
    if (c == '@') {
      if (at != std::string_view::npos) return false;
      at = i;
    }
  }
  if (at == std::string_view::npos || at == 0) return false;
  const std::string_view domain = a.substr(at + 1);
  // A dot with text on both sides, as "x@example.com" has.
  const std::size_t dot = domain.find('.', 1);
  return dot != std::string_view::npos && dot + 1 < domain.size();
}

}  // namespace photoagent::util
