#pragma once
// `photoagent search`: what a person or a script asks (SearchQuery), turned
// into a safe query on the cache, and the images that match (SearchResult).
//
// User text is text: each word is quoted before it reaches FTS5, so quotes,
// dashes, colons, AND/OR/NOT/NEAR, parentheses and '*' are searched as
// words, never obeyed. One exception, as in most search boxes: a word ending
// in '*' ("sail*") matches every word that starts with it. `--fts` hands the
// text to FTS5 as an expression, after checking it here, so a malformed one
// gets a usage error naming the problem, never SQLite's message.
//
// Modes: full text only for now. Semantic, hybrid and "more like this"
// (issue 11, items 4-5) add a SearchMode and fill the same SearchResult
// (score = cosine or fused rank), with the same filters.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "photoagent/store/database.hpp"
#include "photoagent/store/images.hpp"
#include "photoagent/util/clock.hpp"

namespace photoagent::workflows {

enum class SearchMode { text };

struct SearchQuery {
  SearchMode mode = SearchMode::text;
  std::string text;  // the words as typed
  bool fts = false;  // text is an FTS5 expression
  // Filters, applied on the base tables ("" = none).
  std::string project;  // name; unknown: exit 3
  std::string source;   // upload | generated
  std::string category, style, model;
  std::vector<std::string> tags;     // all must be present
  std::vector<std::string> exclude;  // --not WORD: images containing any of them are left out
  std::string since, until;          // YYYY-MM-DD, an RFC 3339 time, or an age (30d, 12h, 2w)
  std::string sort = "score";        // score | date (newest first)
  std::int64_t limit = 20;           // 0: all
  std::int64_t offset = 0;
};

struct SearchResult {
  store::Image image;
  std::filesystem::path path;  // the stored file, absolute
  // The generation that made it (empty / -1 for uploads).
  std::string prompt, style, model, version;
  long long seed = -1;
  double score = 0;  // higher is better (full text: -bm25)
  // A piece of the best-matching field, one line, and the byte ranges in it
  // that matched (for highlighting).
  std::string snippet;
  std::vector<std::pair<std::size_t, std::size_t>> highlights;  // [begin, end)
};

struct SearchReport {
  std::vector<SearchResult> results;
  // Why nothing could match, when the query had no word to look for ("" else).
  std::string note;
};

// Runs the query; ages (--since 30d) count back from `clock`. util::Error:
// usage (bad --fts expression, date, sort, source, limit), not found
// (unknown project).
SearchReport search(store::Database& db, const SearchQuery& query, const util::Clock& clock = util::system_clock());

// The results as one grid picture (JPEG or PNG by the name), in their order,
// each tile labelled "#ID SCORE". Files no longer on disk are left out and
// named in `missing`; util::Error when none is left or one cannot be read.
struct SearchSheet {
  std::uint32_t columns = 0;
  std::size_t drawn = 0;
  std::vector<std::string> missing;
};
SearchSheet write_search_contact_sheet(const SearchReport& report, const std::filesystem::path& output);

// --- the pieces, for tests ---

// The user's words as an FTS5 expression: every word quoted (a trailing '*'
// makes it a prefix), all required. "" when no word has a letter or digit.
std::string match_expression(std::string_view text);

// Throws util::Error (usage) naming the first problem of an FTS5 expression
// (unclosed quote, unbalanced parenthesis, operator without an operand,
// unknown column, ...) and where it is.
void check_fts_expression(std::string_view expression);

// A --since/--until value as the stored form (RFC 3339 UTC). A date alone
// means its midnight (UTC), or for `until` the next midnight, so the day is
// included; an age counts back from `now`. util::Error (usage) otherwise.
std::string time_bound(const std::string& value, bool until, std::int64_t now);

// Splits a snippet marked by the store into plain text and match ranges;
// line breaks and tabs become spaces.
std::pair<std::string, std::vector<std::pair<std::size_t, std::size_t>>> split_snippet(std::string_view marked);

}  // namespace photoagent::workflows
