#pragma once
// The local cache: one SQLite database (WAL, busy timeout, foreign keys),
// migrated on open by `PRAGMA user_version`.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>

#include <filesystem>
#include <memory>

namespace photoagent::store {

class Database {
 public:
  // Opens (creating if needed) DIR/photoagent.db and brings its schema up to
  // date. Refuses a database written by a newer photoagent.
  explicit Database(const std::filesystem::path& data_dir);

  SQLite::Database& sql() { return *db_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  int schema_version();

  // Writes run in BEGIN IMMEDIATE so waiting for the lock happens before
  // reads, never as a failed upgrade mid-transaction (DESIGN §9).
  SQLite::Transaction write_transaction() {
    return SQLite::Transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
  }

  static int latest_schema_version();

 private:
  void migrate();
  std::filesystem::path data_dir_;
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace photoagent::store
