#pragma once
// One-statement writes on one row, in a BEGIN IMMEDIATE transaction: the
// texts bind to the first placeholders, the row id to the last.

#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <string>
#include <vector>

#include "photoagent/store/database.hpp"

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

}  // namespace photoagent::store::detail
