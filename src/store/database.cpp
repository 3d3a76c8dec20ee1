#include "photoagent/store/database.hpp"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include "migrations.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/paths.hpp"

namespace photoagent::store {

int Database::latest_schema_version() { return static_cast<int>(detail::kMigrations.size()); }

Database::Database(const std::filesystem::path& data_dir) : data_dir_(data_dir) {
  util::ensure_dir(data_dir_);
  const auto file = data_dir_ / "photoagent.db";
  try {
    db_ = std::make_unique<SQLite::Database>(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db_->setBusyTimeout(15000);
    db_->exec("PRAGMA journal_mode=WAL");
    db_->exec("PRAGMA synchronous=NORMAL");
    db_->exec("PRAGMA foreign_keys=ON");
    migrate();
  } catch (const SQLite::Exception& e) {
    throw util::failure("cannot open the cache " + file.string() + ": " + e.getErrorStr(),
                        "Check the folder's permissions and free space; PHOTOAGENT_HOME moves it.");
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
