// workflows::search on the fixture cache: user text is text (hostile queries
// never error and never act as syntax), --fts checked in our words, filters
// and dates as typed, snippets split for highlighting.
#include <doctest/doctest.h>

#include <random>

#include "../store/search_fixture.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/time.hpp"
#include "photoagent/workflows/search.hpp"

using namespace photoagent;
using Ids = std::vector<std::int64_t>;

namespace {

Ids found(testing::SearchCache& c, workflows::SearchQuery q) {
  q.limit = 0;
  Ids out;
  for (const auto& r : workflows::search(c.db, q).results) out.push_back(r.image.id);
  std::sort(out.begin(), out.end());
  return out;
}

Ids found(testing::SearchCache& c, const std::string& text) {
  workflows::SearchQuery q;
  q.text = text;
  return found(c, q);
}

}  // namespace

TEST_SUITE("workflows::search") {
  TEST_CASE("match_expression quotes every word; a trailing '*' is a prefix") {
    using workflows::match_expression;
    CHECK(match_expression("red dress") == "\"red\" \"dress\"");
    CHECK(match_expression("  red\t\ndress  ") == "\"red\" \"dress\"");
    CHECK(match_expression("say \"hi\"") == "\"say\" \"\"\"hi\"\"\"");
    CHECK(match_expression("sail*") == "\"sail\" *");
    CHECK(match_expression("sail**") == "\"sail\" *");
    CHECK(match_expression("a*b") == "\"a*b\"");
    CHECK(match_expression("NOT AND OR NEAR(") == "\"NOT\" \"AND\" \"OR\" \"NEAR(\"");
    CHECK(match_expression("caption:red") == "\"caption:red\"");
    CHECK(match_expression("-red") == "\"-red\"");
    CHECK(match_expression("* ( ) \" -- :") == "");
    CHECK(match_expression("") == "");
    CHECK(match_expression("café") == "\"café\"");
  }

  TEST_CASE("plain words: all must match, any case and accent, prefix with '*'") {
    testing::SearchCache c;
    CHECK(found(c, "red dress") == Ids{1, 5});
    CHECK(found(c, "RED Beach") == Ids{1});
    CHECK(found(c, "cafe") == Ids{3});
    CHECK(found(c, "Café") == Ids{3});
    CHECK(found(c, "sail*") == Ids{4});
    CHECK(found(c, "sail").empty());
    CHECK(found(c, "golden hour sailboat") == Ids{4});
    CHECK(found(c, "flux-dev") == Ids{4, 7});  // a phrase: flux then dev
    CHECK(found(c, "dev-flux").empty());
  }

  TEST_CASE("hostile text is searched as words: never an error, never syntax") {
    testing::SearchCache c;
    // Operators and punctuation around real words change nothing.
    CHECK(found(c, "red) (dress") == Ids{1, 5});
    CHECK(found(c, "\"red dress") == Ids{1, 5});
    CHECK(found(c, "red AND dress") .empty());  // "and" is a word here, and no caption has it
    CHECK(found(c, "red OR mug").empty());      // not an OR: all three words
    CHECK(found(c, "NOT red").empty());
    CHECK(found(c, "NEAR(red dress)") .empty());  // "near" is a word no image has
    CHECK(found(c, "caption:red") .empty());      // a phrase "caption red", not a column filter
    CHECK(found(c, "red -dress") == Ids{1, 5});   // "-" does not exclude
    CHECK(found(c, "^red") == Ids{1, 5, 6});
    CHECK(found(c, "red*dress") == Ids{1, 5});    // '*' inside a word separates
    CHECK(found(c, "{red}: dress") == Ids{1, 5});
    const char* hostile[] = {"\"",         "\"\"",        "(",          ")",      "((((",        "*",
                             "**",         "-",           ":",          "^",      "+",           "{",
                             "}",          "NEAR",        "NEAR(",      "AND",    "OR",          "NOT",
                             "a OR",       "OR a",        "a:",         ":a",     "a + ",        "\"a\" *",
                             "'; DROP TABLE images; --",   "\" OR 1=1 --",        "') OR ('1'='1",
                             "1; SELECT * FROM projects",  "search_index MATCH", "rowid = 1",  "x'00'",
                             "\xF0\x9F\x98\x80 emoji",      "日本語",  "\xE2\x80\x94", "Ω≈ç√",  "\x01\x02\x03",
                             "null\x7f" "byte", "ＲＥＤ"};
    for (const std::string q : hostile) {
      CAPTURE(q);
      workflows::SearchQuery query;
      query.text = q;
      CHECK_NOTHROW(workflows::search(c.db, query));
    }
    for (std::string big : {std::string(10240, 'a'), std::string(10240, '('), std::string(10240, '"')}) {
      workflows::SearchQuery query;
      query.text = big;
      CHECK_NOTHROW(workflows::search(c.db, query));
    }
    std::string words;
    while (words.size() < 10240) words += "red (dress) \"OR\" NOT* ";
    CHECK(found(c, words).empty());  // "not" is a required word (prefix) nobody has
    std::string many;
    while (many.size() < 10240) many += "red ";
    CHECK(found(c, many) == Ids{1, 5, 6});
    // The tables are all still there.
    CHECK(c.db.sql().execAndGet("SELECT COUNT(*) FROM images").getInt() == 7);
  }

  TEST_CASE("random hostile strings never error") {
    testing::SearchCache c;
    std::mt19937 rng(11);
    const std::string alphabet = "ab \"()*:-^+{},NEAROTD'\\;=\xC3\xA9";
    for (int i = 0; i < 500; ++i) {
      std::string q;
      const int n = 1 + static_cast<int>(rng() % 40);
      for (int k = 0; k < n; ++k) q += alphabet[rng() % alphabet.size()];
      CAPTURE(q);
      workflows::SearchQuery query;
      query.text = q;
      if (q.find_first_not_of(' ') == std::string::npos) continue;  // no query at all: usage
      CHECK_NOTHROW(workflows::search(c.db, query));
    }
  }

  TEST_CASE("--fts: valid expressions run") {
    testing::SearchCache c;
    auto fts = [&](const char* e) {
      workflows::SearchQuery q;
      q.text = e;
      q.fts = true;
      return found(c, q);
    };
    CHECK(fts("red OR mug") == Ids{1, 5, 6, 7});
    CHECK(fts("red NOT dress") == Ids{6});
    CHECK(fts("caption:red") == Ids{1});
    CHECK(fts("prompt:red") == Ids{5});
    CHECK(fts("{caption prompt}:red") == Ids{1, 5});
    CHECK(fts("-{caption prompt tags}:red") == Ids{6});
    CHECK(fts("NEAR(red beach, 5)") == Ids{1});
    CHECK(fts("sail*") == Ids{4});
    CHECK(fts("\"golden hour\"") == Ids{4});
    CHECK(fts("golden + hour") == Ids{4});
    CHECK(fts("(red OR mug) AND beach") == Ids{1, 7});
    CHECK(fts("caption:(red OR window)") == Ids{1, 2});
    CHECK(fts("^woman") == Ids{1});
    CHECK(fts("Caption:red") == Ids{1});
  }

  TEST_CASE("--fts: a malformed expression is a usage error naming the problem, never SQLite's words") {
    testing::SearchCache c;
    const std::pair<const char*, const char*> cases[] = {
        {"red (dress", "'(' cannot follow a term"},
        {"(red dress", "never closed"},
        {"red dress)", "')' closes a parenthesis that was never opened"},
        {"\"red dress", "quote is never closed"},
        {"red AND", "ends too early"},
        {"AND red", "AND needs a term on each side"},
        {"red OR OR dress", "OR needs a term on each side"},
        {"NOT red", "NOT needs a term on each side"},
        {"nope:red", "no column 'nope'"},
        {"red:", "no column 'red'"},
        {"near(red dress)", "upper case"},
        {"NEAR(red dress, x)", "whole number"},
        {"NEAR()", "one or more words"},
        {"red, dress", "',' is not expected"},
        {"*red", "'*' is not expected"},
        {"red ; drop", "';' is not FTS5 syntax"},
        {"red ^", "'^' must be followed"},
        {"red +", "'+' must join"},
        {"{caption:red", "never closed"},
        {"{}:red", "one or more column names"},
        {"", "empty"},
    };
    for (const auto& [expr, says] : cases) {
      const std::string shown = expr;
      CAPTURE(shown);
      try {
        workflows::check_fts_expression(expr);
        FAIL("accepted");
      } catch (const util::Error& e) {
        CHECK(e.code() == util::ExitCode::usage);
        CHECK_MESSAGE(e.message().find(says) != std::string::npos, e.message());
        CHECK(e.message().find("fts5:") == std::string::npos);
      }
    }
    std::string deep = std::string(40, '(') + "red" + std::string(40, ')');
    CHECK_THROWS_AS(workflows::check_fts_expression(deep), util::Error);
    CHECK_NOTHROW(workflows::check_fts_expression(std::string(20, '(') + "red" + std::string(20, ')')));
  }

  TEST_CASE("--fts: the checker agrees with SQLite on random expressions") {
    // Whatever the checker accepts, SQLite runs; whatever it refuses, SQLite
    // refuses too (so the checker is neither a hole nor a wall).
    testing::SearchCache c;
    std::mt19937 rng(7);
    const std::vector<std::string> pieces = {"red", "dress", "caption", "prompt", "AND", "OR", "NOT", "NEAR", "(",
                                             ")",   "\"a b\"", ":",     "*",      "+",  "^",  "{",   "}",    ",",
                                             "2",   "-",   "\"",      "x_y",    "é"};
    int accepted = 0, refused = 0;
    for (int i = 0; i < 3000; ++i) {
      std::string e;
      const int n = 1 + static_cast<int>(rng() % 7);
      for (int k = 0; k < n; ++k) e += (rng() % 3 ? " " : "") + pieces[rng() % pieces.size()];
      bool ours = true, sqlite = true;
      try {
        workflows::check_fts_expression(e);
      } catch (const util::Error&) {
        ours = false;
      }
      try {
        photoagent::store::TextSearch s;
        s.match = e;
        photoagent::store::search_text(c.db, s);
      } catch (const util::Error&) {
        sqlite = false;
      }
      CAPTURE(e);
      CHECK(ours == sqlite);
      (ours ? accepted : refused)++;
    }
    CHECK(accepted > 300);
    CHECK(refused > 300);
  }

  TEST_CASE("filters as typed: project by name, tags as a list, dates, --not") {
    testing::SearchCache c;
    workflows::SearchQuery q;
    q.text = "beach";
    q.project = "bob";
    CHECK(found(c, q) == Ids{7});
    q.project = "nobody";
    try {
      workflows::search(c.db, q);
      FAIL("unknown project accepted");
    } catch (const util::Error& e) {
      CHECK(e.code() == util::ExitCode::not_found);
    }
    q = {};
    q.text = "red";
    q.tags = {"red, beach"};
    CHECK(found(c, q) == Ids{1});
    q = {};
    q.text = "red";
    q.exclude = {"dress"};
    CHECK(found(c, q) == Ids{6});
    q.exclude = {"dress", "mu*"};
    CHECK(found(c, q).empty());
    q.exclude = {"()"};  // nothing to exclude
    CHECK(found(c, q) == Ids{1, 5, 6});
    q = {};
    q.text = "lovelace";
    q.since = "2026-02-01";
    q.until = "2026-02-10";  // the whole day
    CHECK(found(c, q) == Ids{3, 4});
    q.until = "2026-02-10T09:59:59Z";
    CHECK(found(c, q) == Ids{3});
    q.until = "2026-02-10T12:00:00+02:00";  // 10:00 UTC, included
    CHECK(found(c, q) == Ids{3, 4});
    q = {};
    q.text = "red";
    q.source = "generated";
    q.category = "";
    q.model = "flux-schnell";
    CHECK(found(c, q) == Ids{5});
    q.source = "photos";
    CHECK_THROWS_AS(workflows::search(c.db, q), util::Error);
  }

  TEST_CASE("results: absolute paths, plain snippets with highlight ranges, sort and pages") {
    testing::SearchCache c;
    workflows::SearchQuery q;
    q.text = "golden";
    auto r = workflows::search(c.db, q).results;
    REQUIRE(r.size() == 1);
    CHECK(r[0].path == c.dir.path() / r[0].image.path);
    CHECK(r[0].snippet == "TOK_ADA on a sailboat at golden hour");
    REQUIRE(r[0].highlights.size() == 1);
    CHECK(r[0].snippet.substr(r[0].highlights[0].first, r[0].highlights[0].second - r[0].highlights[0].first) ==
          "golden");
    q.text = "beach";
    q.sort = "date";
    q.limit = 2;
    auto page = workflows::search(c.db, q).results;
    REQUIRE(page.size() == 2);
    CHECK(page[0].image.id == 7);
    CHECK(page[1].image.id == 2);
    q.offset = 2;
    page = workflows::search(c.db, q).results;
    REQUIRE(page.size() == 1);
    CHECK(page[0].image.id == 1);
    q.sort = "newest";
    CHECK_THROWS_AS(workflows::search(c.db, q), util::Error);
  }

  TEST_CASE("a query with no word: a note, no results; no query at all: usage") {
    testing::SearchCache c;
    workflows::SearchQuery q;
    q.text = "-- () **";
    auto rep = workflows::search(c.db, q);
    CHECK(rep.results.empty());
    CHECK(!rep.note.empty());
    q.text = "   ";
    try {
      workflows::search(c.db, q);
      FAIL("empty query accepted");
    } catch (const util::Error& e) {
      CHECK(e.code() == util::ExitCode::usage);
    }
  }

  TEST_CASE("time_bound: dates, times, ages; refusals") {
    using workflows::time_bound;
    const std::int64_t now = *util::parse_iso8601("2026-03-10T12:00:00Z");
    CHECK(time_bound("2026-03-01", false, now) == "2026-03-01T00:00:00Z");
    CHECK(time_bound("2026-03-01", true, now) == "2026-03-02T00:00:00Z");
    CHECK(time_bound("2026-02-28", true, now) == "2026-03-01T00:00:00Z");
    CHECK(time_bound("2026-03-01T10:00:00Z", false, now) == "2026-03-01T10:00:00Z");
    CHECK(time_bound("2026-03-01T10:00:00Z", true, now) == "2026-03-01T10:00:01Z");
    CHECK(time_bound("2026-03-01T10:00", false, now) == "2026-03-01T10:00:00Z");
    CHECK(time_bound("2026-03-01T10:00:00.5Z", false, now) == "2026-03-01T10:00:00Z");
    CHECK(time_bound("2026-03-01T10:00:00-01:30", false, now) == "2026-03-01T11:30:00Z");
    CHECK(time_bound("30d", false, now) == "2026-02-08T12:00:00Z");
    CHECK(time_bound("12h", false, now) == "2026-03-10T00:00:00Z");
    CHECK(time_bound("2w", false, now) == "2026-02-24T12:00:00Z");
    for (const char* bad : {"", "yesterday", "2026-02-30", "2026-13-01", "2026-3-1", "10x", "d", "2026-03-01T25:00",
                            "2026-03-01T10:00:00+2", "2026-03-01T10:00:00Zjunk", "99999999999d"}) {
      const std::string shown = bad;
      CAPTURE(shown);
      CHECK_THROWS_AS(time_bound(bad, false, now), util::Error);
    }
  }

  TEST_CASE("split_snippet: marks become ranges; line breaks become spaces") {
    auto [text, ranges] = workflows::split_snippet("a \x02red\x03 dress\non \x02the\x03 beach\x02");
    CHECK(text == "a red dress on the beach");
    REQUIRE(ranges.size() == 2);
    CHECK(ranges[0] == std::pair<std::size_t, std::size_t>{2, 5});
    CHECK(ranges[1] == std::pair<std::size_t, std::size_t>{15, 18});
  }
}
