#pragma once
// Reading the docs as text, for the tests that check them against --help and
// the flag tables (tests/e2e/test_docs.cpp, tests/unit/cli/test_flag_tables.cpp).

#include <cctype>
#include <regex>
#include <string>

namespace doc_text {

inline bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

// `needle` as a whole word: not preceded or followed by [A-Za-z0-9_-], so
// "--to" is not found in "--token" and "-l to" not in "-l tokens".
inline bool has_word(const std::string& text, const std::string& needle) {
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) {
    const bool left = pos == 0 || !is_word_char(text[pos - 1]);
    const bool right = pos + needle.size() == text.size() || !is_word_char(text[pos + needle.size()]);
    if (left && right) return true;
  }
  return false;
}

// roff source as text: "\-\-kind" -> "--kind", font and spacing escapes gone.
inline std::string roff_text(std::string s) {
  static const std::regex escapes(R"(\\f[BIRP]|\\f\[[A-Z]*\]|\\&|\\%)");
  s = std::regex_replace(s, escapes, "");
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '-') ++i;
    out += s[i];
  }
  return out;
}

}  // namespace doc_text
