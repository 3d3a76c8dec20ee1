#pragma once
// Full-text search over the cache (DESIGN §10): the FTS5 index of migration 7
// (search_index over search_docs, kept by triggers), queried with the
// filters applied on the base tables, never inside MATCH.
//
// The store takes an FTS5 expression that is already safe (workflows/search
// builds it from the user's words or checks a --fts one); it never sees raw
// user text as syntax. Scores are bm25 with column weights, negated so that a
// higher score is a better match.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "photoagent/store/database.hpp"
#include "photoagent/store/images.hpp"

namespace photoagent::store {

// The indexed columns, in index order (what an FTS5 column filter may name).
inline constexpr std::string_view kSearchColumns[] = {"caption", "prompt", "tags",    "category", "style",
                                                      "model",   "seed",   "file",    "project",  "description"};

// Around each match in SearchHit::snippet (control characters never indexed
// as text: unicode61 treats them as separators).
inline constexpr char kMatchStart = '\x02';
inline constexpr char kMatchEnd = '\x03';

// Conditions on the base tables (images, projects, predictions), shared by
// every search mode. Empty fields do not filter.
struct SearchFilters {
  std::optional<std::int64_t> project_id;
  std::string source;    // "upload" | "generated"
  std::string category;  // exact, case-insensitive
  std::string style;     // the generation's style preset
  std::string model;     // owner/name, or just name
  std::vector<std::string> tags;  // each must be one of the image's tags (case-insensitive)
  std::string since;              // created_at >= since (RFC 3339 UTC, as stored)
  std::string until;              // created_at < until
  std::string exclude;            // FTS5 expression: images it matches are left out
};

enum class SearchSort { score, date };  // date: newest first

struct TextSearch {
  std::string match;  // FTS5 expression
  SearchFilters filters;
  SearchSort sort = SearchSort::score;
  std::int64_t limit = 20;  // <= 0: no limit
  std::int64_t offset = 0;
};

struct SearchHit {
  Image image;
  // The generation that made it ("" / -1 for uploads).
  std::string prompt, style, model, version;
  long long seed = -1;
  double score = 0;     // -bm25: higher is better
  std::string snippet;  // the best-matching column's text around the match, kMatchStart/kMatchEnd marked
};

// The matches, best first (or newest first). util::Error (usage) when the
// expression is not valid FTS5 (workflows checks first; this is the net).
std::vector<SearchHit> search_text(Database& db, const TextSearch& search);

// The rows of these images (with their generation), in the order given;
// ids no longer there are left out. Score 0; the snippet is the caption, or
// the prompt of a generated image. (Ranking by vector, search --like.)
std::vector<SearchHit> search_hits_by_id(Database& db, const std::vector<std::int64_t>& ids);

// Images whose original or stored file has this SHA-256 (a file the cache
// already holds), by id.
std::vector<std::int64_t> image_ids_with_sha256(Database& db, const std::string& sha256);

// Images created at or after `since` (RFC 3339 UTC) with this source, by id.
std::vector<std::int64_t> image_ids_since(Database& db, const std::string& since, const std::string& source);

// Images passing `filters` whose stored files are byte for byte the same
// (one sha256), groups of ids in id order (search --duplicates).
std::vector<std::vector<std::int64_t>> exact_duplicates(Database& db, const SearchFilters& filters);

}  // namespace photoagent::store
