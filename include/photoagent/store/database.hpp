#pragma once
// The local cache: one SQLite database (WAL, busy timeout, foreign keys),
// migrated on open by `PRAGMA user_version`.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "photoagent/store/sqlite_error.hpp"

namespace photoagent::store {

class Database {
 public:
  // Opens (creating if needed) DIR/photoagent.db and brings its schema up to
  // date. Refuses a database written by a newer photoagent. A file whose
  // mode lets nobody write is opened read-only, even by root: reads work,
  // the first write fails with the read-only message (sqlite_error.hpp).
  explicit Database(const std::filesystem::path& data_dir);

  static std::filesystem::path file_in(const std::filesystem::path& data_dir) { return data_dir / "photoagent.db"; }
  std::filesystem::path file() const { return file_in(data_dir_); }
  // A SQLite exception from this connection in the user's words, else nothing.
  std::optional<util::Error> explain(const std::exception& e) const { return sqlite_error(e, file()); }
  // Runs `fn`; a SQLite exception from it leaves as explain()'s util::Error.
  // For work whose catch-all would otherwise show SQLite's bare words (a
  // worker pool's "internal error: database disk image is malformed").
  template <class Fn>
  decltype(auto) explained(Fn&& fn) const {
    try {
      return std::forward<Fn>(fn)();
    } catch (const util::Error&) {
      throw;
    } catch (const std::exception& e) {
      if (auto known = explain(e)) throw *known;
      throw;
    }
  }

  // The connection's lock. Every store function holds it for its statements
  // and its transaction, so threads sharing the connection need no lock of
  // their own (no database mutex outside src/store). Recursive: store
  // functions call each other.
  std::unique_lock<std::recursive_mutex> lock() { return std::unique_lock(mu_); }

  SQLite::Database& sql() { return *db_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  int schema_version();

  // A write: the connection's lock, then BEGIN IMMEDIATE, so waiting for
  // other processes happens before reads, never as a failed upgrade
  // mid-transaction (DESIGN §9). Rolled back unless committed. Inside
  // another write of the same thread it joins that one (one store function
  // may build on another): only the outermost begins and commits.
  class WriteTransaction {
   public:
    // BEGIN and COMMIT are where a read-only, busy or full database shows:
    // their failures leave as util::Error (sqlite_error.hpp).
    WriteTransaction(Database& db) : lock_(db.mu_), depth_(db.tx_depth_), db_(db) {
      if (depth_ == 0) {
        if (db.read_only_) throw read_only_error(db.file());  // before any statement
        try {
          tx_.emplace(*db.db_, SQLite::TransactionBehavior::IMMEDIATE);
        } catch (const std::exception& e) {
          if (auto known = db.explain(e)) throw *known;
          throw;
        }
      }
      ++depth_;
    }
    ~WriteTransaction() { --depth_; }
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;
    void commit() {
      if (!tx_) return;
      try {
        tx_->commit();
      } catch (const std::exception& e) {
        if (auto known = db_.explain(e)) throw *known;
        throw;
      }
    }

   private:
    std::unique_lock<std::recursive_mutex> lock_;  // first in, last out
    int& depth_;
    const Database& db_;
    std::optional<SQLite::Transaction> tx_;
  };
  WriteTransaction write_transaction() { return WriteTransaction(*this); }

  static int latest_schema_version();

 private:
  void migrate();
  void enable_wal();
  std::filesystem::path data_dir_;
  std::unique_ptr<SQLite::Database> db_;
  std::recursive_mutex mu_;
  int tx_depth_ = 0;  // open write transactions of the thread holding mu_
  bool read_only_ = false;  // the file could only be opened for reading
};

}  // namespace photoagent::store
