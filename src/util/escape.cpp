#include "photoagent/util/escape.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace photoagent::util {

namespace {

std::size_t longest_backtick_run(std::string_view s) {
  std::size_t best = 0, run = 0;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    best = std::max(best, run);
  }
  return best;
}

std::string one_line(std::string_view s) {
  std::string out(s);
  std::replace_if(out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return out;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

static bool plain_yaml_word(std::string_view text) {
  if (text.empty() || !(std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_')) return false;
  for (char c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '/' && c != '-') return false;
  std::string lower(text);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* word : {"true", "false", "yes", "no", "on", "off", "y", "n", "null", ".inf", ".nan"})
    if (lower == word) return false;
  return true;
}

std::string yaml_scalar(std::string_view text) {
  if (plain_yaml_word(text)) return std::string(text);
  std::string out = "\"";
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02X", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

std::string markdown_code(std::string_view text) {
  if (text.empty()) return "";
  const std::string fence(longest_backtick_run(text) + 1, '`');
  // A space pads text that starts or ends with a backtick (CommonMark strips one).
  const bool pad = text.front() == '`' || text.back() == '`';
  return fence + (pad ? " " : "") + one_line(text) + (pad ? " " : "") + fence;
}

std::string markdown_fence(std::string_view content, std::string_view lang) {
  const std::string fence(std::max<std::size_t>(3, longest_backtick_run(content) + 1), '`');
  std::string out = fence + std::string(lang) + "\n" + std::string(content);
  if (out.back() != '\n') out += '\n';
  return out + fence + "\n";
}

std::string markdown_text(std::string_view text) {
  static constexpr std::string_view kSpecial = "\\`*_{}[]<>()#+-!|~&";
  std::string out;
  out.reserve(text.size());
  for (char c : one_line(text)) {
    if (kSpecial.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace photoagent::util
