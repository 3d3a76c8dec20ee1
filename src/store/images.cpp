#include "photoagent/store/images.hpp"

#include <SQLiteCpp/Statement.h>

#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/paths.hpp"
#include "images_detail.hpp"

namespace photoagent::store {
namespace fs = std::filesystem;

namespace {

const std::string kColumns =
    std::string("SELECT ") + detail::kImageColumns + " FROM images i JOIN projects p ON p.id = i.project_id";

}  // namespace

namespace detail {
Image read_image_row(SQLite::Statement& q) {
  Image i;
  i.id = q.getColumn(0).getInt64();
  i.project_id = q.getColumn(1).getInt64();
  i.project = q.getColumn(2).getString();
  i.sha256 = q.getColumn(3).getString();
  i.source_sha256 = q.getColumn(4).getString();
  i.path = q.getColumn(5).getString();
  i.original_name = q.getColumn(6).getString();
  i.bytes = q.getColumn(7).getInt64();
  i.width = q.getColumn(8).getInt();
  i.height = q.getColumn(9).getInt();
  i.caption = q.getColumn(10).getString();
  i.category = q.getColumn(11).getString();
  i.tags = q.getColumn(12).getString();
  i.source = q.getColumn(13).getString();
  i.created_at = q.getColumn(14).getString();
  return i;
}
}  // namespace detail

namespace {
using detail::read_image_row;

bool referenced(Database& db, const std::string& relative_path) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), "SELECT 1 FROM images WHERE path = ? LIMIT 1");
  q.bind(1, relative_path);
  return q.executeStep();
}

}  // namespace

std::string blob_path(const std::string& sha256, std::string_view ext) {
  return "images/" + sha256.substr(0, 2) + "/" + sha256 + "." + std::string(ext);
}

std::string write_blob(const fs::path& data_dir, const std::string& sha256, std::string_view ext,
                       std::string_view bytes) {
  const std::string rel = blob_path(sha256, ext);
  const fs::path full = data_dir / rel;
  std::error_code ec;
  if (fs::exists(full, ec) && fs::file_size(full, ec) == bytes.size()) return rel;
  util::ensure_dir(full.parent_path(), 0755);
  util::write_file_atomic(full, bytes, 0644);
  return rel;
}

void remove_blob_if_unreferenced(Database& db, const std::string& relative_path) {
  auto lock = db.lock();
  if (relative_path.empty() || referenced(db, relative_path)) return;
  std::error_code ec;
  fs::remove(db.data_dir() / relative_path, ec);
}

namespace {
// Inside the caller's transaction: the new row's id, or 0 for a duplicate.
std::int64_t insert_image_row(Database& db, const Image& img, std::int64_t prediction_id) {
  auto lock = db.lock();
  if (find_image_by_source(db, img.project_id, img.source_sha256)) return 0;
  SQLite::Statement ins(db.sql(),
                        "INSERT INTO images (project_id, sha256, source_sha256, path, original_name, bytes, width,"
                        " height, caption, category, tags, source, created_at, prediction_id)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  ins.bind(1, img.project_id);
  ins.bind(2, img.sha256);
  ins.bind(3, img.source_sha256);
  ins.bind(4, img.path);
  ins.bind(5, img.original_name);
  ins.bind(6, img.bytes);
  ins.bind(7, img.width);
  ins.bind(8, img.height);
  ins.bind(9, img.caption);
  if (img.category.empty()) ins.bind(10); else ins.bind(10, img.category);
  ins.bind(11, img.tags);
  ins.bind(12, img.source);
  ins.bind(13, img.created_at);
  if (prediction_id) ins.bind(14, prediction_id); else ins.bind(14);
  ins.exec();
  return db.sql().getLastInsertRowid();
}
}  // namespace

std::optional<Image> insert_image(Database& db, const Image& img) {
  auto lock = db.lock();
  auto tx = db.write_transaction();
  const auto id = insert_image_row(db, img, 0);
  if (id == 0) return std::nullopt;
  tx.commit();
  return find_image(db, id);
}

void record_generated_images(Database& db, std::int64_t prediction_id, const std::vector<Image>& images,
                             const std::string& files_json, const std::string& output) {
  auto lock = db.lock();
  auto tx = db.write_transaction();
  for (const auto& img : images) insert_image_row(db, img, prediction_id);
  SQLite::Statement u(db.sql(), "UPDATE predictions SET files = ?, output = COALESCE(?, output) WHERE id = ?");
  u.bind(1, files_json);
  if (output.empty()) u.bind(2); else u.bind(2, output);
  u.bind(3, prediction_id);
  u.exec();
  tx.commit();
}

std::optional<Image> find_image(Database& db, std::int64_t id) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), std::string(kColumns) + " WHERE i.id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return read_image_row(q);
}

std::optional<Image> find_image_by_source(Database& db, std::int64_t project_id, const std::string& source_sha256) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), std::string(kColumns) + " WHERE i.project_id = ? AND i.source_sha256 = ?");
  q.bind(1, project_id);
  q.bind(2, source_sha256);
  if (!q.executeStep()) return std::nullopt;
  return read_image_row(q);
}

std::vector<Image> list_images(Database& db, std::int64_t project_id, ImageSource source) {
  auto lock = db.lock();
  const char* filter = source == ImageSource::uploads     ? " AND i.source = 'upload'"
                       : source == ImageSource::generated ? " AND i.source = 'generated'"
                                                          : "";
  SQLite::Statement q(db.sql(), std::string(kColumns) + " WHERE i.project_id = ?" + filter + " ORDER BY i.id");
  q.bind(1, project_id);
  std::vector<Image> out;
  while (q.executeStep()) out.push_back(read_image_row(q));
  return out;
}

Image update_image(Database& db, std::int64_t id, const ImageEdit& e) {
  auto lock = db.lock();
  auto tx = db.write_transaction();
  auto set = [&](const char* column, const std::optional<std::string>& v, bool null_when_empty) {
    if (!v) return;
    SQLite::Statement u(db.sql(), std::string("UPDATE images SET ") + column + " = ? WHERE id = ?");
    if (null_when_empty && v->empty()) u.bind(1); else u.bind(1, *v);
    u.bind(2, id);
    u.exec();
  };
  set("caption", e.caption, false);
  set("category", e.category, true);
  set("tags", e.tags, false);
  tx.commit();
  auto img = find_image(db, id);
  if (!img) throw util::not_found("no image with id " + std::to_string(id));
  return *img;
}

std::optional<std::string> delete_image(Database& db, std::int64_t id) {
  auto lock = db.lock();
  auto tx = db.write_transaction();
  auto img = find_image(db, id);
  if (!img) throw util::not_found("no image with id " + std::to_string(id),
                                  "List a project's images with 'photoagent project images NAME'.");
  SQLite::Statement del(db.sql(), "DELETE FROM images WHERE id = ?");
  del.bind(1, id);
  del.exec();
  const bool still_used = referenced(db, img->path);
  tx.commit();
  if (still_used) return std::nullopt;
  return img->path;
}

std::vector<std::pair<std::string, int>> category_counts(Database& db, std::int64_t project_id) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(),
                      "SELECT COALESCE(category, ''), COUNT(*) FROM images WHERE project_id = ? AND source = 'upload'"
                      " GROUP BY 1");
  q.bind(1, project_id);
  std::vector<std::pair<std::string, int>> out;
  while (q.executeStep()) out.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getInt());
  return out;
}

}  // namespace photoagent::store
