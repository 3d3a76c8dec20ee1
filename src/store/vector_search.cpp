// Ranking by vector (vectors.hpp): one pass over the mapped matrix computing
// every row's int8 dot product with the query, then the best rows checked
// against the database in growing batches (is this row the image's current
// vector, does the image pass the filters) until the page is full. The
// filters are the ones full-text search applies (search_detail.hpp).
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <map>
#include <numeric>

#include "photoagent/store/vectors.hpp"
#include "photoagent/util/vectors.hpp"
#include "search_detail.hpp"
#include "vector_file.hpp"

namespace photoagent::store {
namespace {

constexpr std::size_t kMaxBatch = 900;  // ids per statement (SQLite allows 32766 variables)

// image id -> current row, for those of `ids` that pass the filters.
std::map<std::int64_t, std::int64_t> current_rows(Database& db, const VectorSpace& space,
                                                  const std::vector<std::int64_t>& ids, const detail::Where& w) {
  std::map<std::int64_t, std::int64_t> out;
  for (std::size_t from = 0; from < ids.size(); from += kMaxBatch) {
    const std::size_t n = std::min(kMaxBatch, ids.size() - from);
    std::string marks;
    for (std::size_t i = 0; i < n; ++i) marks += i ? ",?" : "?";
    SQLite::Statement q(db.sql(),
                        "SELECT v.image_id, v.row FROM image_vectors v JOIN images i ON i.id = v.image_id"
                        " JOIN projects p ON p.id = i.project_id LEFT JOIN predictions pr ON pr.id = i.prediction_id"
                        " WHERE v.space_id = ? AND v.image_id IN (" + marks + ")" + w.sql);
    int k = 1;
    q.bind(k++, space.id);
    for (std::size_t i = 0; i < n; ++i) q.bind(k++, ids[from + i]);
    w.bind(q, k);
    while (q.executeStep()) out.emplace(q.getColumn(0).getInt64(), q.getColumn(1).getInt64());
  }
  return out;
}

}  // namespace

std::vector<VectorHit> nearest_images(Database& db, const VectorSpace& space, std::span<const float> query,
                                      const SearchFilters& filters, std::int64_t limit, std::int64_t offset,
                                      std::int64_t skip_image) {
  std::vector<float> unit(query.begin(), query.end());
  if (static_cast<int>(unit.size()) != space.dim || !util::normalise(unit)) return {};
  const auto q = util::quantise(unit);
  detail::MatrixView view(space.file, space.dim);
  const std::size_t rows = view.rows(), dim = static_cast<std::size_t>(space.dim);
  std::vector<float> score(rows);
  for (std::size_t r = 0; r < rows; ++r)
    score[r] = static_cast<float>(util::dot_i8(q.q.data(), view.components(r), dim)) * q.scale * view.scale(r);

  const std::size_t want = limit > 0 ? static_cast<std::size_t>(limit + std::max<std::int64_t>(offset, 0)) : rows;
  std::vector<std::uint32_t> order(rows);
  std::iota(order.begin(), order.end(), 0u);
  auto better = [&](std::uint32_t a, std::uint32_t b) { return score[a] > score[b] || (score[a] == score[b] && a > b); };
  auto lock = db.lock();
  const detail::Where w = detail::filter_clause(filters);
  std::vector<VectorHit> hits;
  std::size_t done = 0;
  for (std::size_t batch = std::max<std::size_t>(want * 2, 32); done < rows && hits.size() < want; batch *= 4) {
    const std::size_t end = std::min(rows, done + batch);
    std::partial_sort(order.begin() + static_cast<std::ptrdiff_t>(done), order.begin() + static_cast<std::ptrdiff_t>(end),
                      order.end(), better);
    std::vector<std::int64_t> ids;
    for (std::size_t i = done; i < end; ++i) ids.push_back(view.image_id(order[i]));
    const auto current = current_rows(db, space, ids, w);
    for (std::size_t i = done; i < end && hits.size() < want; ++i) {
      const auto r = order[i];
      const auto id = view.image_id(r);
      if (id == skip_image) continue;
      // Only the image's current row counts: older rows of a re-embedded
      // image, or rows never recorded, are skipped.
      if (auto it = current.find(id); it != current.end() && it->second == static_cast<std::int64_t>(r))
        hits.push_back({id, score[r]});
    }
    done = end;
  }
  const auto skip = static_cast<std::size_t>(std::max<std::int64_t>(offset, 0));
  if (skip >= hits.size()) return {};
  hits.erase(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(skip));
  return hits;
}

VectorSet load_vectors(Database& db, const VectorSpace& space, const SearchFilters& filters) {
  VectorSet set;
  set.dim = space.dim;
  std::vector<std::pair<std::int64_t, std::int64_t>> wanted;  // image id, row
  {
    auto lock = db.lock();
    const detail::Where w = detail::filter_clause(filters);
    SQLite::Statement q(db.sql(),
                        "SELECT v.image_id, v.row FROM image_vectors v JOIN images i ON i.id = v.image_id"
                        " JOIN projects p ON p.id = i.project_id LEFT JOIN predictions pr ON pr.id = i.prediction_id"
                        " WHERE v.space_id = ?" + w.sql + " ORDER BY v.image_id");
    q.bind(1, space.id);
    w.bind(q, 2);
    while (q.executeStep()) wanted.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getInt64());
  }
  detail::MatrixView view(space.file, space.dim);
  const auto dim = static_cast<std::size_t>(space.dim);
  for (const auto& [id, row] : wanted) {
    if (!view.holds(row, id)) continue;
    const auto r = static_cast<std::size_t>(row);
    set.image_ids.push_back(id);
    set.scales.push_back(view.scale(r));
    set.rows.insert(set.rows.end(), view.components(r), view.components(r) + dim);
  }
  return set;
}

}  // namespace photoagent::store
