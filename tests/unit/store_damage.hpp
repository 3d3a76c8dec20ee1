#pragma once
// What another process (or a failing disk) does to a cache file: a table's
// root page overwritten, the header and schema intact, so the cache opens
// and only that table fails. A checkpoint first, so the rows are in the main
// file and every connection's page cache is stale once the WAL restarts.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace testing {

inline void damage_table(const std::filesystem::path& db_file, const std::string& table) {
  long root = 0, page_size = 0;
  {
    SQLite::Database other(db_file.string(), SQLite::OPEN_READWRITE);
    other.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    SQLite::Statement q(other, "SELECT rootpage FROM sqlite_master WHERE name = ?");
    q.bind(1, table);
    REQUIRE(q.executeStep());
    root = q.getColumn(0).getInt();
    page_size = other.execAndGet("PRAGMA page_size").getInt();
  }
  REQUIRE(root > 1);
  std::fstream f(db_file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>((root - 1) * page_size));
  for (long i = 0; i < page_size; ++i) f.put(static_cast<char>((i * 131 + 7) & 0xff));
}

}  // namespace testing
