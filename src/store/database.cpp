#include "photoagent/store/database.hpp"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include "migrations.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/paths.hpp"
#include "photoagent/util/strings.hpp"

#include <sqlite3.h>

#include <sys/stat.h>

#include <chrono>
#include <thread>

namespace photoagent::store {

int Database::latest_schema_version() { return static_cast<int>(detail::kMigrations.size()); }

Database::Database(const std::filesystem::path& data_dir) : data_dir_(data_dir) {
  util::ensure_dir(data_dir_);
  const auto file = this->file();
  struct stat st {};
  const bool read_only = ::stat(file.c_str(), &st) == 0 && (st.st_mode & 0222) == 0;
  try {
    db_ = std::make_unique<SQLite::Database>(file.string(),
                                             read_only ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db_->setBusyTimeout(kBusyTimeoutSeconds * 1000);
    read_only_ = sqlite3_db_readonly(db_->getHandle(), "main") == 1;
    enable_wal();
    db_->exec("PRAGMA synchronous=NORMAL");
    db_->exec("PRAGMA foreign_keys=ON");
    migrate();
  } catch (const SQLite::Exception& e) {
    const int code = e.getErrorCode() & 0xff;
    if (code == SQLITE_READONLY || code == SQLITE_CORRUPT || code == SQLITE_NOTADB || code == SQLITE_BUSY ||
        code == SQLITE_FULL || code == SQLITE_IOERR)
      throw sqlite_error(e.getExtendedErrorCode(), e.getErrorStr(), file);
    throw util::failure("cannot open the cache " + file.string() + ": " + e.getErrorStr(),
                        "Check the folder's permissions and free space; PHOTOAGENT_HOME moves it.");
  }
}

// Switching to WAL needs a moment alone with the file, and SQLite answers
// "locked" at once instead of waiting for the busy timeout when another
// process is opening it too (two first commands on a fresh cache). Once in
// WAL the mode is persistent, so later opens only read it.
void Database::enable_wal() {
  if (read_only_) return;  // reads work in any journal mode
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  for (std::chrono::milliseconds pause(2);; pause = std::min(pause * 2, std::chrono::milliseconds(100))) {
    try {
      if (util::to_lower(db_->execAndGet("PRAGMA journal_mode").getString()) == "wal") return;
      db_->exec("PRAGMA journal_mode=WAL");
      return;
    } catch (const SQLite::Exception& e) {
      const int code = e.getErrorCode() & 0xff;
      if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) || std::chrono::steady_clock::now() > deadline) throw;
    }
    std::this_thread::sleep_for(pause);
  }
}

int Database::schema_version() { return db_->execAndGet("PRAGMA user_version").getInt(); }

void Database::migrate() {
  if (schema_version() == latest_schema_version()) return;
  auto tx = write_transaction();
  // Re-read inside the lock: another process may have migrated meanwhile.
  const int current = schema_version();
  if (current > latest_schema_version())
    throw util::failure("the cache was written by a newer photoagent (schema " + std::to_string(current) +
                            ", this one knows " + std::to_string(latest_schema_version()) + ")",
                        "Upgrade photoagent, or point PHOTOAGENT_HOME at another folder.");
  for (int v = current; v < latest_schema_version(); ++v) {
    db_->exec(std::string(detail::kMigrations[static_cast<std::size_t>(v)]));
    db_->exec("PRAGMA user_version=" + std::to_string(v + 1));
  }
  tx.commit();
}

}  // namespace photoagent::store
