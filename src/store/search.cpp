// Full-text search (search.hpp): one statement over search_index joined to
// the base tables, the filters as plain SQL on those tables, bm25 with column
// weights, snippet() of the best column.
#include "photoagent/store/search.hpp"

#include "images_detail.hpp"
#include "search_detail.hpp"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <variant>

#include "photoagent/util/error.hpp"

namespace photoagent::store {
namespace {

// bm25 weights in kSearchColumns order: what a person wrote about the picture
// (caption) or asked for (prompt) counts most; the file name least.
constexpr const char* kRank = "bm25(10.0, 10.0, 5.0, 3.0, 3.0, 2.0, 1.0, 1.0, 2.0, 1.0)";

using detail::Where;

}  // namespace

SearchHit detail::read_hit_columns(SQLite::Statement& q) {
  SearchHit h;
  h.image = read_image_row(q);
  h.prompt = q.getColumn(15).getString();
  h.style = q.getColumn(16).getString();
  h.model = q.getColumn(17).getString();
  h.version = q.getColumn(18).getString();
  h.seed = q.getColumn(19).getInt64();
  return h;
}

Where detail::filter_clause(const SearchFilters& f) {
  Where w;
  if (f.project_id) w.add("i.project_id = ?", {*f.project_id});
  if (!f.source.empty()) w.add("i.source = ?", {f.source});
  if (!f.category.empty()) w.add("lower(i.category) = lower(?)", {f.category});
  if (!f.style.empty()) w.add("pr.style = ?", {f.style});
  // "flux-dev" finds "black-forest-labs/flux-dev" too.
  if (!f.model.empty()) w.add("(pr.model = ? OR substr(pr.model, instr(pr.model, '/') + 1) = ?)", {f.model, f.model});
  for (const auto& t : f.tags) w.add("instr(',' || lower(i.tags) || ',', ',' || lower(?) || ',') > 0", {t});
  if (!f.since.empty()) w.add("i.created_at >= ?", {f.since});
  if (!f.until.empty()) w.add("i.created_at < ?", {f.until});
  if (!f.exclude.empty())
    w.add("i.id NOT IN (SELECT rowid FROM search_index WHERE search_index MATCH ?)", {f.exclude});
  return w;
}

namespace {

// SQLite's words for a bad expression, said in ours (never passed through).
util::Error syntax_error(const std::string& sqlite_message) {
  auto has = [&](const char* s) { return sqlite_message.find(s) != std::string::npos; };
  std::string what = "it is not valid FTS5 syntax";
  if (has("unterminated string")) what = "a quoted phrase is not closed";
  else if (has("parser stack overflow")) what = "it is nested too deeply";
  else if (has("no such column")) what = "it names a column the index does not have";
  else if (has("unknown special query")) what = "it starts with '*'";
  else if (has("expected integer")) what = "the distance in NEAR( ... ) must be a whole number";
  else if (const auto at = sqlite_message.find("syntax error near \""); at != std::string::npos) {
    const auto start = at + 19, end = sqlite_message.find('"', start);
    const std::string near = sqlite_message.substr(start, end == std::string::npos ? std::string::npos : end - start);
    what = near.empty() ? "it ends too early" : "'" + near + "' is not expected where it stands";
  }
  return util::usage_error("the search expression is not valid: " + what,
                           "Drop --fts to search the words as typed, or see photoagent-search(1) for the syntax.");
}

bool is_fts_error(const std::string& m) {
  return m.find("fts5") != std::string::npos || m.find("unterminated string") != std::string::npos ||
         m.find("unknown special query") != std::string::npos || m.find("no such column") != std::string::npos ||
         m.find("expected integer") != std::string::npos;
}

SearchHit read_hit(SQLite::Statement& q) {
  SearchHit h = detail::read_hit_columns(q);
  h.score = q.getColumn(20).getDouble();
  h.snippet = q.getColumn(21).getString();
  return h;
}

}  // namespace

std::vector<SearchHit> search_text(Database& db, const TextSearch& s) {
  auto lock = db.lock();
  const Where w = detail::filter_clause(s.filters);
  const std::string from =
      " FROM search_index s JOIN images i ON i.id = s.rowid JOIN projects p ON p.id = i.project_id"
      " LEFT JOIN predictions pr ON pr.id = i.prediction_id WHERE search_index MATCH ?";
  const std::string ranked = std::string(" AND s.rank MATCH '") + kRank + "'";
  // The columns read_hit reads.
  auto columns = [](const char* score) {
    return std::string("SELECT ") + detail::kHitColumns + ", " + score +
           ", snippet(search_index, -1, char(2), char(3), '\u2026', 16)";
  };
  auto bind_page = [&](SQLite::Statement& q) {
    int n = 1;
    q.bind(n++, s.match);
    n = w.bind(q, n);
    q.bind(n++, static_cast<std::int64_t>(s.limit > 0 ? s.limit : -1));
    q.bind(n++, static_cast<std::int64_t>(s.offset > 0 ? s.offset : 0));
  };
  std::vector<SearchHit> hits;
  try {
    if (s.sort == SearchSort::score) {
      // ORDER BY rank alone: FTS5 hands rows over best first, the LIMIT
      // stops the join early and snippet() runs for the rows returned only.
      SQLite::Statement q(db.sql(), columns("-s.rank") + from + ranked + w.sql + " ORDER BY s.rank LIMIT ? OFFSET ?");
      bind_page(q);
      while (q.executeStep()) hits.push_back(read_hit(q));
      return hits;
    }
    // By date: walk the images newest first (images_by_created) and keep
    // those in the match set, so a common word stops after a page instead of
    // sorting every match; then score and cut snippets for that page only.
    // ('+i.id': the planner would otherwise look up each match by id and sort.)
    SQLite::Statement page(db.sql(),
                           "SELECT i.id FROM images i LEFT JOIN predictions pr ON pr.id = i.prediction_id"
                           " WHERE +i.id IN (SELECT rowid FROM search_index WHERE search_index MATCH ?)" +
                               w.sql + " ORDER BY i.created_at DESC, i.id DESC LIMIT ? OFFSET ?");
    bind_page(page);
    std::vector<std::int64_t> ids;
    while (page.executeStep()) ids.push_back(page.getColumn(0).getInt64());
    SQLite::Statement row(db.sql(), columns("-s.rank") + from + ranked + " AND s.rowid = ?");
    for (const auto id : ids) {
      row.reset();
      row.bind(1, s.match);
      row.bind(2, id);
      if (row.executeStep()) hits.push_back(read_hit(row));
    }
    return hits;
  } catch (const SQLite::Exception& e) {
    if (is_fts_error(e.what())) throw syntax_error(e.what());
    throw util::failure(std::string("the search failed: ") + e.what(),
                        "Run it again; if it keeps failing, the cache may be damaged.");
  }
}

}  // namespace photoagent::store
