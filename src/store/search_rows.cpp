// Search results that do not come from the full-text index (search.hpp):
// rows by id for vector rankings, and exact duplicates by content hash.
#include <SQLiteCpp/Statement.h>

#include <map>

#include "photoagent/store/search.hpp"
#include "photoagent/util/strings.hpp"
#include "search_detail.hpp"

namespace photoagent::store {

std::vector<SearchHit> search_hits_by_id(Database& db, const std::vector<std::int64_t>& ids) {
  auto lock = db.lock();
  SQLite::Statement q(
      db.sql(),
      std::string("SELECT ") + detail::kHitColumns +
          " FROM images i JOIN projects p ON p.id = i.project_id LEFT JOIN predictions pr ON pr.id = i.prediction_id"
          " WHERE i.id = ?");
  std::vector<SearchHit> hits;
  for (const auto id : ids) {
    q.reset();
    q.bind(1, id);
    if (!q.executeStep()) continue;
    SearchHit h = detail::read_hit_columns(q);
    h.snippet = !h.image.caption.empty() ? h.image.caption : h.prompt;
    hits.push_back(std::move(h));
  }
  return hits;
}

std::vector<std::int64_t> image_ids_with_sha256(Database& db, const std::string& sha256) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), "SELECT id FROM images WHERE source_sha256 = ?1 OR sha256 = ?1 ORDER BY id");
  q.bind(1, sha256);
  std::vector<std::int64_t> ids;
  while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
  return ids;
}

std::vector<std::int64_t> image_ids_since(Database& db, const std::string& since, const std::string& source) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), "SELECT id FROM images WHERE created_at >= ? AND source = ? ORDER BY id");
  q.bind(1, since);
  q.bind(2, source);
  std::vector<std::int64_t> ids;
  while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
  return ids;
}

std::vector<std::vector<std::int64_t>> exact_duplicates(Database& db, const SearchFilters& filters) {
  auto lock = db.lock();
  const detail::Where w = detail::filter_clause(filters);
  SQLite::Statement q(db.sql(),
                      "SELECT i.sha256, i.id FROM images i JOIN projects p ON p.id = i.project_id"
                      " LEFT JOIN predictions pr ON pr.id = i.prediction_id WHERE i.sha256 IN"
                      " (SELECT sha256 FROM images GROUP BY sha256 HAVING count(*) > 1)" + w.sql +
                          " ORDER BY i.sha256, i.id");
  w.bind(q, 1);
  std::vector<std::vector<std::int64_t>> groups;
  std::string last;
  while (q.executeStep()) {
    const std::string sha = q.getColumn(0).getString();
    if (groups.empty() || sha != last) groups.emplace_back();
    groups.back().push_back(q.getColumn(1).getInt64());
    last = sha;
  }
  std::erase_if(groups, [](const auto& g) { return g.size() < 2; });  // the others were filtered out
  return groups;
}

}  // namespace photoagent::store
