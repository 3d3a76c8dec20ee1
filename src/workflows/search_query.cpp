// The query language of `search` (search.hpp): plain words made safe for
// FTS5, and a checker for --fts expressions that follows FTS5's own grammar
// (SQLite's fts5parse.y, as of 3.40):
//
//   expr     := and (OR and)*            OR binds loosest, then AND, then NOT
//   and      := not (AND not)*
//   not      := primary (NOT primary)*
//   primary  := ( expr ) | colset : ( expr ) | cnearset+     (implicit AND)
//   cnearset := [colset :] nearset
//   nearset  := ^ phrase | NEAR ( phrase+ [, N] ) | phrase
//   phrase   := STRING [*] (+ STRING [*])*
//   colset   := [-] (STRING | { STRING+ })
//
// STRING is a bareword (letters, digits, '_', any non-ASCII) or a "quoted"
// string ("" inside is a quote). Anything else is refused here, with the
// place it was found, rather than sent to SQLite.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "photoagent/store/search.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/workflows/search.hpp"

namespace photoagent::workflows {
namespace {

bool word_byte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

bool space_byte(unsigned char c) { return c <= ' ' || c == 0x7f; }

}  // namespace

std::string match_expression(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && space_byte(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t j = i;
    while (j < text.size() && !space_byte(static_cast<unsigned char>(text[j]))) ++j;
    std::string_view word = text.substr(i, j - i);
    i = j;
    bool prefix = false;
    while (!word.empty() && word.back() == '*') word.remove_suffix(1), prefix = true;
    bool searchable = false;
    for (unsigned char c : word) searchable = searchable || word_byte(c);
    if (!searchable) continue;  // only punctuation: FTS5 would find no token in it
    if (!out.empty()) out += ' ';
    out += '"';
    for (char c : word) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    out += '"';
    if (prefix) out += " *";
  }
  return out;
}

namespace {

constexpr int kMaxDepth = 32;  // FTS5's parser stack overflows near 100

struct Token {
  enum Kind { string, quoted, lp, rp, lcp, rcp, colon, star, plus, caret, comma, minus, op_and, op_or, op_not, end };
  Kind kind = end;
  std::string text;  // bareword or unquoted string
  std::size_t at = 0;  // byte offset
};

class FtsChecker {
 public:
  explicit FtsChecker(std::string_view e) : e_(e) {}

  void check() {
    lex();
    if (toks_.size() == 1) fail(0, "it is empty");
    expr(0);
    if (peek().kind != Token::end) unexpected(peek());
  }

 private:
  std::string_view e_;
  std::vector<Token> toks_;
  std::size_t pos_ = 0;

  // 1-based character (not byte) position, for the message.
  std::size_t column(std::size_t at) const {
    std::size_t n = 1;
    for (std::size_t i = 0; i < at && i < e_.size(); ++i) n += (static_cast<unsigned char>(e_[i]) & 0xC0) != 0x80;
    return n;
  }

  [[noreturn]] void fail(std::size_t at, const std::string& what) const {
    std::string msg = "the --fts expression is not valid: " + what;
    if (at < e_.size()) msg += " (at character " + std::to_string(column(at)) + ")";
    throw util::usage_error(msg, "Put words with punctuation in double quotes, or drop --fts to search the words "
                                 "as typed; photoagent-search(1) has the syntax.");
  }

  static std::string shown(const Token& t) {
    switch (t.kind) {
      case Token::string: return "'" + t.text + "'";
      case Token::quoted: return "the phrase \"" + t.text + "\"";
      case Token::op_and: return "AND";
      case Token::op_or: return "OR";
      case Token::op_not: return "NOT";
      default: return "'" + t.text + "'";
    }
  }

  [[noreturn]] void unexpected(const Token& t) const {
    if (t.kind == Token::end) fail(e_.size(), "it ends too early (an operator, '(' or ':' needs something after it)");
    if (t.kind == Token::rp) fail(t.at, "')' closes a parenthesis that was never opened");
    if (t.kind == Token::op_and || t.kind == Token::op_or || t.kind == Token::op_not)
      fail(t.at, shown(t) + " needs a term on each side");
    if (t.kind == Token::lp) fail(t.at, "'(' cannot follow a term directly: join groups with AND, OR or NOT");
    if (t.kind == Token::string || t.kind == Token::quoted)
      fail(t.at, shown(t) + " cannot follow a parenthesis or NEAR group directly: join them with AND, OR or NOT");
    fail(t.at, shown(t) + " is not expected here");
  }

  void lex() {
    std::size_t i = 0;
    while (i < e_.size()) {
      const unsigned char c = static_cast<unsigned char>(e_[i]);
      if (space_byte(c)) {
        ++i;
        continue;
      }
      Token t;
      t.at = i;
      if (c == '"') {
        std::size_t j = i + 1;
        for (;; ++j) {
          if (j >= e_.size()) fail(i, "the quote is never closed");
          if (e_[j] == '"') {
            if (j + 1 < e_.size() && e_[j + 1] == '"') {
              t.text += '"';
              ++j;
              continue;
            }
            break;
          }
          t.text += e_[j];
        }
        t.kind = Token::quoted;
        i = j + 1;
      } else if (word_byte(c) || c == '_' || c == 0x1a) {
        std::size_t j = i;
        while (j < e_.size() && (word_byte(static_cast<unsigned char>(e_[j])) || e_[j] == '_' || e_[j] == 0x1a)) ++j;
        t.text = std::string(e_.substr(i, j - i));
        t.kind = t.text == "AND" ? Token::op_and : t.text == "OR" ? Token::op_or : t.text == "NOT" ? Token::op_not
                                                                                                : Token::string;
        i = j;
      } else {
        static constexpr std::string_view kSingles = "(){}:*+^,-";
        static constexpr Token::Kind kKinds[] = {Token::lp,    Token::rp,   Token::lcp,   Token::rcp,   Token::colon,
                                                 Token::star,  Token::plus, Token::caret, Token::comma, Token::minus};
        const auto k = kSingles.find(static_cast<char>(c));
        if (k == std::string_view::npos) {
          // One whole UTF-8 character is never split here: c < 0x80.
          fail(i, "'" + std::string(1, static_cast<char>(c)) + "' is not FTS5 syntax (put it inside double quotes)");
        }
        t.kind = kKinds[k];
        t.text = std::string(1, static_cast<char>(c));
        ++i;
      }
      toks_.push_back(std::move(t));
    }
    Token end;
    end.at = e_.size();
    toks_.push_back(end);
  }

  const Token& peek(std::size_t ahead = 0) const { return toks_[std::min(pos_ + ahead, toks_.size() - 1)]; }
  const Token& take() { return toks_[std::min(pos_++, toks_.size() - 1)]; }
  bool is_string(const Token& t) const { return t.kind == Token::string || t.kind == Token::quoted; }
  void expect(Token::Kind k, const char* what) {
    if (peek().kind != k) {
      if (peek().kind == Token::end) fail(e_.size(), std::string("it ends before ") + what);
      fail(peek().at, std::string(what) + " is missing before " + shown(peek()));
    }
    take();
  }

  void expr(int depth) {
    if (depth > kMaxDepth) fail(peek().at, "parentheses are nested more than " + std::to_string(kMaxDepth) + " deep");
    and_expr(depth);
    while (peek().kind == Token::op_or) take(), and_expr(depth);
  }
  void and_expr(int depth) {
    not_expr(depth);
    while (peek().kind == Token::op_and) take(), not_expr(depth);
  }
  void not_expr(int depth) {
    primary(depth);
    while (peek().kind == Token::op_not) take(), primary(depth);
  }

  void group(int depth) {
    const Token& open = take();  // '('
    expr(depth + 1);
    if (peek().kind != Token::rp) {
      if (peek().kind == Token::end) fail(open.at, "this '(' is never closed");
      unexpected(peek());
    }
    take();
  }

  bool starts_colset() const {
    std::size_t k = peek().kind == Token::minus ? 1 : 0;
    if (peek(k).kind == Token::lcp) return true;
    return is_string(peek(k)) && peek(k + 1).kind == Token::colon;
  }

  void colset() {
    if (peek().kind == Token::minus) take();
    if (peek().kind == Token::lcp) {
      const Token& open = take();
      if (!is_string(peek())) fail(peek().at, "'{' needs one or more column names");
      while (is_string(peek())) column_name(take());
      if (peek().kind != Token::rcp) fail(open.at, "this '{' is never closed by '}'");
      take();
    } else if (is_string(peek())) {
      column_name(take());
    } else {
      fail(peek().at, "'-' must be followed by a column name and ':'");
    }
    if (peek().kind != Token::colon) fail(peek().at, "a column filter needs ':' after the column name");
    take();
  }

  void column_name(const Token& t) const {
    for (auto c : store::kSearchColumns)
      if (util::to_lower(t.text) == c) return;
    std::string names;
    for (auto c : store::kSearchColumns) names += (names.empty() ? "" : ", ") + std::string(c);
    fail(t.at, "there is no column '" + t.text + "' (columns: " + names + ")");
  }

  void primary(int depth) {
    const Token& t = peek();
    if (t.kind == Token::lp) return group(depth);
    if (starts_colset()) {
      colset();
      if (peek().kind == Token::lp) return group(depth);
      nearset();
    } else if (!starts_nearset()) {
      unexpected(t);
    } else {
      nearset();
    }
    // More terms side by side are an implicit AND.
    while (starts_colset() || starts_nearset()) {
      if (starts_colset()) {
        colset();
        if (peek().kind == Token::lp) unexpected(peek());
      }
      nearset();
    }
  }

  bool starts_nearset() const { return is_string(peek()) || peek().kind == Token::caret; }

  void nearset() {
    if (peek().kind == Token::caret) {
      take();
      if (!is_string(peek())) fail(peek().at, "'^' must be followed by a word or phrase");
      if (peek(1).kind == Token::lp) fail(peek(1).at, "'^' cannot start a NEAR group");
      return phrase();
    }
    if (peek().kind == Token::string && peek(1).kind == Token::lp) {
      if (peek().text != "NEAR") {
        if (util::to_lower(peek().text) == "near") fail(peek().at, "NEAR( ... ) is written in upper case");
        unexpected(peek(1));  // '(' right after a word
      }
      take();
      const Token& open = take();
      if (!is_string(peek())) fail(peek().at, "NEAR( ... ) needs one or more words or phrases");
      while (is_string(peek())) phrase();
      if (peek().kind == Token::comma) {
        take();
        const Token& n = peek();
        bool digits = n.kind == Token::string && !n.text.empty();
        for (char c : n.text) digits = digits && std::isdigit(static_cast<unsigned char>(c));
        if (!digits) fail(n.at, "the distance after ',' in NEAR( ... ) must be a whole number");
        take();
      }
      if (peek().kind != Token::rp) fail(open.at, "this NEAR( is never closed by ')'");
      take();
      return;
    }
    if (!is_string(peek())) unexpected(peek());
    phrase();
  }

  void phrase() {
    for (;;) {
      if (!is_string(peek())) unexpected(peek());
      take();
      if (peek().kind == Token::star) take();
      if (peek().kind != Token::plus) return;
      const Token& plus = take();
      if (!is_string(peek())) fail(plus.at, "'+' must join two words or phrases");
    }
  }
};

}  // namespace

void check_fts_expression(std::string_view expression) { FtsChecker(expression).check(); }

}  // namespace photoagent::workflows
