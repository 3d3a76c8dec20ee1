#include "photoagent/store/provenance.hpp"

#include <SQLiteCpp/Statement.h>

#include "images_detail.hpp"

namespace photoagent::store {

std::vector<ImageOrigin> images_with_sha256(Database& db, const std::string& sha256) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(),
                      std::string("SELECT ") + detail::kImageColumns + ", COALESCE(i.prediction_id, 0)"
                      " FROM images i JOIN projects p ON p.id = i.project_id WHERE i.sha256 = ?1 OR i.source_sha256 = ?1"
                      " ORDER BY i.prediction_id IS NULL, i.id");
  q.bind(1, sha256);
  std::vector<ImageOrigin> out;
  while (q.executeStep()) {
    ImageOrigin o;
    o.image = detail::read_image_row(q);
    o.prediction_id = q.getColumn(15).getInt64();
    out.push_back(std::move(o));
  }
  return out;
}

std::int64_t prediction_with_file(Database& db, const std::string& path) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(),
                      "SELECT p.id FROM predictions p, json_each(p.files) f"
                      " WHERE p.files IS NOT NULL AND json_valid(p.files) AND f.value = ? ORDER BY p.id DESC LIMIT 1");
  q.bind(1, path);
  return q.executeStep() ? q.getColumn(0).getInt64() : 0;
}

std::string project_name(Database& db, std::int64_t project_id) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), "SELECT name FROM projects WHERE id = ?");
  q.bind(1, project_id);
  return q.executeStep() ? q.getColumn(0).getString() : std::string();
}

}  // namespace photoagent::store
