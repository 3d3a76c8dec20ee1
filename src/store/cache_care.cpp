#include "photoagent/store/cache_care.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <system_error>

#include "photoagent/util/error.hpp"

namespace photoagent::store {
namespace fs = std::filesystem;

namespace {

constexpr const char* kColumns =
    "SELECT i.id, COALESCE(p.name, ''), i.path, i.sha256, i.source, i.created_at, i.bytes"
    " FROM images i LEFT JOIN projects p ON p.id = i.project_id";

StoredFile read_row(SQLite::Statement& q) {
  StoredFile f;
  f.image_id = q.getColumn(0).getInt64();
  f.project = q.getColumn(1).getString();
  f.path = q.getColumn(2).getString();
  f.sha256 = q.getColumn(3).getString();
  f.source = q.getColumn(4).getString();
  f.created_at = q.getColumn(5).getString();
  f.bytes = q.getColumn(6).getInt64();
  return f;
}

}  // namespace

std::vector<StoredFile> stored_files(Database& db) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), std::string(kColumns) + " ORDER BY i.id");
  std::vector<StoredFile> out;
  while (q.executeStep()) out.push_back(read_row(q));
  return out;
}

std::vector<PruneCandidate> prune_candidates(Database& db, const std::string& before) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), std::string(kColumns) +
                                    " WHERE p.id IS NULL OR (?1 <> '' AND i.source = 'generated' AND i.created_at < ?1)"
                                    " ORDER BY i.id");
  q.bind(1, before);
  std::vector<PruneCandidate> out;
  while (q.executeStep()) {
    PruneCandidate c;
    c.file = read_row(q);
    c.reason = c.file.project.empty() ? "project deleted" : "older";
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<std::string> delete_image_rows(Database& db, const std::vector<std::int64_t>& ids) {
  auto lock = db.lock();
  auto tx = db.write_transaction();
  SQLite::Statement path(db.sql(), "SELECT path FROM images WHERE id = ?");
  SQLite::Statement del(db.sql(), "DELETE FROM images WHERE id = ?");
  SQLite::Statement used(db.sql(), "SELECT 1 FROM images WHERE path = ? LIMIT 1");
  std::vector<std::string> paths;
  for (auto id : ids) {
    path.bind(1, id);
    if (path.executeStep()) paths.push_back(path.getColumn(0).getString());
    path.reset();
    del.bind(1, id);
    del.exec();
    del.reset();
  }
  std::vector<std::string> unused;
  for (const auto& p : paths) {
    used.bind(1, p);
    const bool still = used.executeStep();
    used.reset();
    if (!still && (unused.empty() || unused.back() != p)) unused.push_back(p);
  }
  tx.commit();
  return unused;
}

std::vector<std::string> integrity_problems(Database& db) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), "PRAGMA integrity_check");
  std::vector<std::string> out;
  while (q.executeStep()) {
    std::string line = q.getColumn(0).getString();
    if (line != "ok") out.push_back(std::move(line));
  }
  return out;
}

void backup_database(Database& db, const fs::path& target) {
  std::error_code ec;
  if (fs::exists(target, ec) || fs::is_symlink(target, ec))
    throw util::failure(target.string() + " already exists; a backup never overwrites a file",
                        "Pick a new name, e.g. photoagent-$(date +%F).db");
  const auto parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(parent, ec)) throw util::failure("cannot write the backup: no folder " + parent.string());
  try {
    auto lock = db.lock();
    SQLite::Statement q(db.sql(), "VACUUM INTO ?");
    q.bind(1, target.string());
    q.exec();
  } catch (const SQLite::Exception& e) {
    const int code = e.getErrorCode() & 0xff;
    fs::remove(target, ec);  // never leave half a copy
    // Reading the cache failed: its own words. Writing the copy failed: say so.
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB || code == SQLITE_BUSY) throw *db.explain(e);
    throw util::failure("cannot write the backup " + target.string() + ": " + e.getErrorStr(),
                        code == SQLITE_FULL ? "Free some space or write it to another disk." : "");
  }
  ::chmod(target.c_str(), 0600);  // it holds everything the cache knows
}

}  // namespace photoagent::store
