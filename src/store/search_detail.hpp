#pragma once
// The search filters as SQL on the base tables (aliases: i = images,
// p = projects, pr = predictions), shared by full-text (search.cpp) and
// vector (vector_search.cpp) queries so both apply the same conditions.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <SQLiteCpp/Statement.h>

#include "images_detail.hpp"
#include "photoagent/store/search.hpp"

namespace photoagent::store::detail {

using Param = std::variant<std::string, std::int64_t>;

struct Where {
  std::string sql;  // " AND ..." clauses
  std::vector<Param> params;
  void add(const std::string& clause, std::vector<Param> p = {}) {
    sql += " AND " + clause;
    for (auto& x : p) params.push_back(std::move(x));
  }
  // Binds the params from position `n` on; returns the next position.
  int bind(SQLite::Statement& q, int n) const {
    for (const auto& p : params) std::visit([&](const auto& v) { q.bind(n++, v); }, p);
    return n;
  }
};

Where filter_clause(const SearchFilters& f);

// The columns every search hit selects first: the image (images_detail.hpp)
// and the prediction that made it (LEFT JOIN predictions pr).
inline const std::string kHitColumns =
    std::string(kImageColumns) +
    ", COALESCE(pr.prompt, ''), COALESCE(pr.style, ''), COALESCE(pr.model, ''), COALESCE(pr.version, ''),"
    " COALESCE(pr.seed, -1)";

// A hit from those columns (the first 20); score and snippet are the caller's.
SearchHit read_hit_columns(SQLite::Statement& q);

}  // namespace photoagent::store::detail
