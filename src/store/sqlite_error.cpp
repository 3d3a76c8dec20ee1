#include "photoagent/store/sqlite_error.hpp"

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

namespace photoagent::store {

util::Error sqlite_error(int code, const std::string& detail, const std::filesystem::path& db_file) {
  const std::string file = db_file.string();
  switch (code & 0xff) {
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return util::failure("the cache database is read-only: " + file + "; check the permissions of it and of its -wal and -shm files");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return util::failure(
          "the cache database is damaged: run `photoagent cache check`; restore from a backup made with "
          "`photoagent cache backup`");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return util::failure("the cache database is busy: another photoagent held " + file +
                           " longer than " + std::to_string(kBusyTimeoutSeconds) + " s; try again when it has finished");
    case SQLITE_FULL:
      return util::failure("the disk is full: cannot write the cache database " + file +
                           "; free some space (`photoagent cache prune`, `photoagent cache gc`) or move it with "
                           "PHOTOAGENT_HOME");
    case SQLITE_IOERR:
      if (code == SQLITE_IOERR_READ || code == SQLITE_IOERR_SHORT_READ)
        return util::failure("cannot read the cache database " + file + " (" + detail +
                             "); check the disk, then run `photoagent cache check`");
      // A write, a sync or growing the WAL index: a full disk or `ulimit -f` shows here too.
      return util::failure("cannot write the cache database " + file + " (" + detail +
                           "); the disk may be full or a file-size limit reached: free some space, then run "
                           "`photoagent cache check`");
    case SQLITE_CANTOPEN:
      return util::failure("cannot open the cache database " + file + "; check the permissions of it and its folder");
    default:
      return util::failure("the cache database " + file + " failed: " + detail);
  }
}

util::Error read_only_error(const std::filesystem::path& db_file) { return sqlite_error(SQLITE_READONLY, "", db_file); }

std::optional<util::Error> sqlite_error(const std::exception& e, const std::filesystem::path& db_file) {
  const auto* s = dynamic_cast<const SQLite::Exception*>(&e);
  if (s == nullptr || s->getErrorCode() < 0) return std::nullopt;  // < 0: SQLiteCpp's own (a bug, not the file)
  const int code = s->getExtendedErrorCode() > 0 ? s->getExtendedErrorCode() : s->getErrorCode();
  return sqlite_error(code, s->what(), db_file);  // what(): the statement's own words ("no such table: x")
}

}  // namespace photoagent::store
