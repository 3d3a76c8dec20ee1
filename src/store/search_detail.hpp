#pragma once
// The search filters as SQL on the base tables (aliases: i = images,
// p = projects, pr = predictions), shared by full-text (search.cpp) and
// vector (vector_search.cpp) queries so both apply the same conditions.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <SQLiteCpp/Statement.h>

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

}  // namespace photoagent::store::detail
