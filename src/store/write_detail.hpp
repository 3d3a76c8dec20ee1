#pragma once
// One-statement writes on one row, in a BEGIN IMMEDIATE transaction: the
// texts bind to the first placeholders, the row id to the last.

#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "photoagent/store/database.hpp"
#include "photoagent/util/error.hpp"

namespace photoagent::store::detail {

inline void update_row(Database& db, const std::string& sql, const std::vector<std::string>& texts, std::int64_t id) {
  auto tx = db.write_transaction();
  SQLite::Statement u(db.sql(), sql);
  int i = 1;
  for (const auto& t : texts) u.bind(i++, t);
  u.bind(i, id);
  u.exec();
  tx.commit();
}

// Runs an UPDATE/INSERT ... RETURNING inside the caller's transaction and
// reads the one row it gives back; util::Error when no row matched.
template <typename Read>
auto returning_row(Database& db, const std::string& sql, const std::function<void(SQLite::Statement&)>& bind, Read read) {
  SQLite::Statement q(db.sql(), sql);
  bind(q);
  if (!q.executeStep()) throw util::failure("internal: the row to update is gone");
  auto row = read(q);
  while (q.executeStep()) {
  }
  return row;
}

}  // namespace photoagent::store::detail
