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
// Modes: full text (the default: instant, offline, free); semantic (cosine
// of CLIP vectors, embed.hpp); hybrid (reciprocal rank fusion of the two,
// k = 60, the same filters on both); like (an image's own vector, minus
// --not words). Each fills the same SearchResult. Without vectors, or
// offline with a query not cached, semantic and hybrid fall back to full
// text and say why (SearchReport::fallback).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "photoagent/store/database.hpp"
#include "photoagent/store/images.hpp"
#include "photoagent/store/search.hpp"
#include "photoagent/store/vectors.hpp"
#include "photoagent/util/clock.hpp"

namespace photoagent::workflows {

class Embedder;

enum class SearchMode { text, semantic, hybrid, like };

struct SearchQuery {
  SearchMode mode = SearchMode::text;
  std::string text;  // the words as typed
  std::string like;  // SearchMode::like: an image id, or a file
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
  double score = 0;  // higher is better (full text: -bm25; semantic: cosine; hybrid: fused rank)
  // A piece of the best-matching field, one line, and the byte ranges in it
  // that matched (for highlighting).
  std::string snippet;
  std::vector<std::pair<std::size_t, std::size_t>> highlights;  // [begin, end)
};

struct SearchReport {
  std::vector<SearchResult> results;
  // Why nothing could match, when the query had no word to look for ("" else).
  std::string note;
  // Why a semantic or hybrid query ran as full text ("" when it did not).
  std::string fallback;
};

// Runs the query; ages (--since 30d) count back from `clock`. util::Error:
// usage (bad --fts expression, date, sort, source, limit), not found
// (unknown project).
// `embedder` serves the semantic modes (nullptr: they fall back).
SearchReport search(store::Database& db, const SearchQuery& query, const util::Clock& clock = util::system_clock(),
                    Embedder* embedder = nullptr);

// search --duplicates: groups of images closer than `threshold` (cosine
// distance, 1 - cosine), apart from groups of byte-identical files (exact).
// The default threshold comes from the distances measured between re-encoded,
// resized or slightly edited copies and distinct photos (photoagent-search(1)).
inline constexpr double kDefaultDuplicateThreshold = 0.05;
struct DuplicateGroup {
  std::vector<std::int64_t> ids;  // ascending
  double distance = 0;            // the largest distance that joined the group
  bool exact = false;             // same file content (sha256)
  std::vector<std::filesystem::path> paths;  // the stored files, in the order of ids
};
struct DuplicatesReport {
  std::vector<DuplicateGroup> groups;  // exact first, then nearest first
  std::string note;                    // why near groups could not be looked for ("" else)
};
DuplicatesReport find_duplicates(store::Database& db, Embedder* embedder, const std::string& project,
                                 double threshold);

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

// The filters of a query for the store (project resolved, dates bounded,
// --not words as a full-text expression); util::Error as search().
store::SearchFilters search_filters(store::Database& db, const SearchQuery& query, const util::Clock& clock);

// Reciprocal rank fusion: each id scores the sum of 1 / (k + rank) over the
// lists it is in (ranks from 1), best first; ties by first appearance.
std::vector<std::pair<std::int64_t, double>> fuse_ranks(const std::vector<std::vector<std::int64_t>>& rankings,
                                                        int k = 60);

// Near-duplicate groups among vectors: pairs closer than `threshold` joined
// (single linkage); pairs in `same_file` (ids with identical content) are not
// joined here, they are exact duplicates. Groups of 2 or more, nearest first.
std::vector<DuplicateGroup> group_near(const store::VectorSet& vectors, double threshold,
                                       const std::vector<std::vector<std::int64_t>>& same_file = {});

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
