#include "photoagent/store/projects.hpp"

#include <SQLiteCpp/Statement.h>

#include "photoagent/util/error.hpp"

namespace photoagent::store {
namespace {

constexpr const char* kSelect =
    "SELECT p.id, p.name, p.kind, p.trigger_word, p.description, COALESCE(p.hf_repo, ''), p.created_at,"
    " (SELECT COUNT(*) FROM images i WHERE i.project_id = p.id AND i.source = 'upload'),"
    " (SELECT COUNT(*) FROM images i WHERE i.project_id = p.id AND i.source = 'generated') FROM projects p";

Project read_row(SQLite::Statement& q) {
  Project p;
  p.id = q.getColumn(0).getInt64();
  p.name = q.getColumn(1).getString();
  p.kind = q.getColumn(2).getString();
  p.trigger = q.getColumn(3).getString();
  p.description = q.getColumn(4).getString();
  p.hf_repo = q.getColumn(5).getString();
  p.created_at = q.getColumn(6).getString();
  p.images = q.getColumn(7).getInt64();
  p.generated = q.getColumn(8).getInt64();
  return p;
}

}  // namespace

Project insert_project(Database& db, const Project& p) {
  auto lock = db.lock();
  auto tx = db.write_transaction();
  SQLite::Statement exists(db.sql(), "SELECT 1 FROM projects WHERE name = ?");
  exists.bind(1, p.name);
  if (exists.executeStep())
    throw util::failure("a project named '" + p.name + "' already exists",
                        "Pick another name, or see it with 'photoagent project show " + p.name + "'.");
  SQLite::Statement ins(db.sql(),
                        "INSERT INTO projects (name, kind, trigger_word, description, hf_repo, created_at)"
                        " VALUES (?, ?, ?, ?, ?, ?)");
  ins.bind(1, p.name);
  ins.bind(2, p.kind);
  ins.bind(3, p.trigger);
  ins.bind(4, p.description);
  if (p.hf_repo.empty()) ins.bind(5); else ins.bind(5, p.hf_repo);
  ins.bind(6, p.created_at);
  ins.exec();
  Project out = p;
  out.id = db.sql().getLastInsertRowid();
  out.images = 0;
  tx.commit();
  return out;
}

std::optional<Project> find_project(Database& db, const std::string& name) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), std::string(kSelect) + " WHERE p.name = ?");
  q.bind(1, name);
  if (!q.executeStep()) return std::nullopt;
  return read_row(q);
}

std::vector<Project> list_projects(Database& db) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), std::string(kSelect) + " ORDER BY p.name");
  std::vector<Project> out;
  while (q.executeStep()) out.push_back(read_row(q));
  return out;
}

std::vector<std::string> delete_project(Database& db, std::int64_t project_id) {
  auto lock = db.lock();
  auto tx = db.write_transaction();
  SQLite::Statement orphans(db.sql(),
                            "SELECT DISTINCT i.path FROM images i WHERE i.project_id = ?1 AND NOT EXISTS"
                            " (SELECT 1 FROM images j WHERE j.sha256 = i.sha256 AND j.project_id <> ?1)");
  orphans.bind(1, project_id);
  std::vector<std::string> files;
  while (orphans.executeStep()) files.push_back(orphans.getColumn(0).getString());
  SQLite::Statement del(db.sql(), "DELETE FROM projects WHERE id = ?");
  del.bind(1, project_id);
  del.exec();
  tx.commit();
  return files;
}

}  // namespace photoagent::store
