// Vector spaces, which row is an image's vector, and the query cache
// (vectors.hpp). The scans are in vector_search.cpp.
#include "photoagent/store/vectors.hpp"

#include <SQLiteCpp/Statement.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "photoagent/util/error.hpp"
#include "photoagent/util/time.hpp"
#include "photoagent/util/vectors.hpp"
#include "vector_file.hpp"

namespace photoagent::store {
namespace {

VectorSpace read_space(Database& db, SQLite::Statement& q) {
  VectorSpace s;
  s.id = q.getColumn(0).getInt64();
  s.model = q.getColumn(1).getString();
  s.version = q.getColumn(2).getString();
  s.dim = q.getColumn(3).getInt();
  s.file = db.data_dir() / "vectors" / ("space-" + std::to_string(s.id) + ".i8");
  return s;
}

constexpr const char* kSpaceColumns = "SELECT id, model, version, dim FROM vector_spaces";

// A vector the model returned for this space: as long as the space's.
void check_length(const VectorSpace& space, std::size_t size) {
  if (static_cast<int>(size) != space.dim)
    throw util::remote_error("the embedding model returned " + std::to_string(size) + " numbers, not " +
                             std::to_string(space.dim));
}

std::vector<float> unit_copy(std::span<const float> v) {
  std::vector<float> u(v.begin(), v.end());
  if (u.empty() || !util::normalise(u))
    throw util::remote_error("the embedding model returned an empty or invalid vector");
  return u;
}

}  // namespace

std::optional<VectorSpace> find_vector_space(Database& db, const std::string& model, const std::string& version) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), std::string(kSpaceColumns) + " WHERE model = ? AND version = ?");
  q.bind(1, model);
  q.bind(2, version);
  if (!q.executeStep()) return std::nullopt;
  return read_space(db, q);
}

std::optional<VectorSpace> latest_vector_space(Database& db, const std::string& model) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), std::string(kSpaceColumns) + " WHERE model = ? ORDER BY created_at DESC, id DESC LIMIT 1");
  q.bind(1, model);
  if (!q.executeStep()) return std::nullopt;
  return read_space(db, q);
}

VectorSpace vector_space(Database& db, const std::string& model, const std::string& version, int dim) {
  auto tx = db.write_transaction();
  auto s = find_vector_space(db, model, version);
  if (!s) {
    SQLite::Statement q(db.sql(), "INSERT INTO vector_spaces (model, version, dim, created_at) VALUES (?, ?, ?, ?)");
    q.bind(1, model);
    q.bind(2, version);
    q.bind(3, dim);
    q.bind(4, util::now_iso8601());
    q.exec();
    s = find_vector_space(db, model, version);
  }
  tx.commit();
  if (s->dim != dim)
    throw util::remote_error(model + (version.empty() ? "" : ":" + version.substr(0, 12)) + " returned " +
                             std::to_string(dim) + " numbers where its earlier vectors had " + std::to_string(s->dim));
  return *s;
}

void put_image_vectors(Database& db, const VectorSpace& space,
                       const std::vector<std::pair<std::int64_t, std::vector<float>>>& vectors) {
  if (vectors.empty()) return;
  std::vector<detail::VectorRow> rows;
  rows.reserve(vectors.size());
  for (const auto& [id, v] : vectors) {
    check_length(space, v.size());
    rows.push_back({id, util::quantise(unit_copy(v))});
  }
  // On disk first, then recorded (a crash in between leaves unused rows);
  // the file stays locked until the commit, so compaction never drops rows
  // that are about to be recorded.
  const auto appended = detail::append_vector_rows(space.file, space.dim, rows);
  const std::int64_t first = appended.first;
  auto tx = db.write_transaction();
  SQLite::Statement ins(db.sql(),
                        "INSERT INTO image_vectors (space_id, image_id, row) SELECT ?, id, ? FROM images WHERE id = ?"
                        " ON CONFLICT (space_id, image_id) DO UPDATE SET row = excluded.row");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ins.reset();
    ins.bind(1, space.id);
    ins.bind(2, first + static_cast<std::int64_t>(i));
    ins.bind(3, rows[i].image_id);
    ins.exec();  // nothing when the image was deleted meanwhile
  }
  tx.commit();
}

void put_image_vector(Database& db, const VectorSpace& space, std::int64_t image_id, std::span<const float> vector) {
  put_image_vectors(db, space, {{image_id, std::vector<float>(vector.begin(), vector.end())}});
}

std::optional<std::vector<float>> image_vector(Database& db, const VectorSpace& space, std::int64_t image_id) {
  std::int64_t row = -1;
  {
    auto lock = db.lock();
    SQLite::Statement q(db.sql(), "SELECT row FROM image_vectors WHERE space_id = ? AND image_id = ?");
    q.bind(1, space.id);
    q.bind(2, image_id);
    if (!q.executeStep()) return std::nullopt;
    row = q.getColumn(0).getInt64();
  }
  const detail::MatrixView view(space.file, space.dim, false);  // one row: not the whole file read in
  if (!view.holds(row, image_id)) return std::nullopt;  // the file was replaced or cut: treated as not embedded
  const auto r = static_cast<std::size_t>(row);
  return util::dequantise(std::span(view.components(r), static_cast<std::size_t>(space.dim)), view.scale(r));
}

std::vector<std::int64_t> images_without_vector(Database& db, const std::optional<VectorSpace>& space,
                                                std::optional<std::int64_t> project_id) {
  auto lock = db.lock();
  if (space) {
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(space->file, ec);
    const auto rows = ec ? 0 : static_cast<std::int64_t>(bytes / detail::row_bytes(space->dim));
    auto tx = db.write_transaction();
    SQLite::Statement gone(db.sql(), "DELETE FROM image_vectors WHERE space_id = ? AND row >= ?");
    gone.bind(1, space->id);
    gone.bind(2, rows);
    gone.exec();
    tx.commit();
  }
  SQLite::Statement q(db.sql(),
                      "SELECT i.id FROM images i WHERE (?1 IS NULL OR i.project_id = ?1) AND NOT EXISTS"
                      " (SELECT 1 FROM image_vectors v WHERE v.space_id = ?2 AND v.image_id = i.id) ORDER BY i.id");
  if (project_id) q.bind(1, *project_id);
  if (space) q.bind(2, space->id);
  std::vector<std::int64_t> ids;
  while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
  return ids;
}

namespace {

// What compaction would do to a space's file as the database records it now.
struct CompactionPlan {
  VectorCompaction c;
  std::vector<std::pair<std::size_t, std::int64_t>> kept;  // row, image id; by row
  std::vector<std::int64_t> dropped;                       // records with no row of their image
  bool moved = false;                                      // records mended
  bool needed() const { return c.bytes != 0 || !dropped.empty() || moved; }
};

CompactionPlan plan_compaction(Database& db, const VectorSpace& space, const detail::MatrixView& view,
                               std::int64_t file_bytes) {
  CompactionPlan p;
  std::map<std::int64_t, std::size_t> last_row;  // image id -> its last row in the file
  for (std::size_t r = 0; r < view.rows(); ++r) last_row[view.image_id(r)] = r;
  SQLite::Statement q(db.sql(), "SELECT image_id, row FROM image_vectors WHERE space_id = ?");
  q.bind(1, space.id);
  while (q.executeStep()) {
    const auto id = q.getColumn(0).getInt64();
    const auto row = q.getColumn(1).getInt64();
    if (view.holds(row, id)) {
      p.kept.emplace_back(static_cast<std::size_t>(row), id);
    } else if (auto it = last_row.find(id); it != last_row.end()) {
      p.kept.emplace_back(it->second, id);  // a rewrite whose records were lost: the image's row in it
      p.moved = true;
    } else {
      p.dropped.push_back(id);
    }
  }
  std::sort(p.kept.begin(), p.kept.end());
  p.c.space = space;
  p.c.rows = static_cast<std::int64_t>(view.rows());
  p.c.kept = static_cast<std::int64_t>(p.kept.size());
  p.c.bytes = file_bytes - p.c.kept * static_cast<std::int64_t>(detail::row_bytes(space.dim));
  return p;
}

}  // namespace

std::vector<VectorCompaction> compact_vector_files(Database& db, bool dry_run) {
  std::vector<VectorSpace> spaces;
  {
    auto lock = db.lock();
    SQLite::Statement q(db.sql(), std::string(kSpaceColumns) + " ORDER BY id");
    while (q.executeStep()) spaces.push_back(read_space(db, q));
  }
  std::vector<VectorCompaction> out;
  for (const auto& space : spaces) {
    // First a look without writing (a dry run, or nothing to do, works on a
    // read-only cache too).
    {
      std::error_code ec;
      const auto bytes = std::filesystem::file_size(space.file, ec);
      if (ec) continue;  // no file: nothing stored in this space
      auto lock = db.lock();
      const detail::MatrixView view(space.file, space.dim);
      const auto p = plan_compaction(db, space, view, static_cast<std::int64_t>(bytes));
      if (!p.needed()) continue;
      if (dry_run) {
        out.push_back(p.c);
        continue;
      }
    }
    // Then again under the file's lock (before the transaction, as appenders
    // take them): an append may have come in between.
    const detail::VectorFileLock file_lock(space.file, false);
    if (!file_lock.locked()) continue;
    auto tx = db.write_transaction();
    struct stat st {};
    if (::fstat(file_lock.fd(), &st) != 0) throw util::failure("cannot read the size of " + space.file.string());
    const detail::MatrixView view(space.file, space.dim);
    const auto p = plan_compaction(db, space, view, static_cast<std::int64_t>(st.st_size));
    if (!p.needed()) continue;
    // Records, then the file, then the commit: they disagree for one rename
    // at most, and a crash there is mended by the next compaction (above).
    SQLite::Statement set(db.sql(), "UPDATE image_vectors SET row = ? WHERE space_id = ? AND image_id = ?");
    std::vector<std::size_t> keep;
    keep.reserve(p.kept.size());
    for (const auto& [row, id] : p.kept) {
      set.reset();
      set.bind(1, static_cast<std::int64_t>(keep.size()));
      set.bind(2, space.id);
      set.bind(3, id);
      set.exec();
      keep.push_back(row);
    }
    SQLite::Statement gone(db.sql(), "DELETE FROM image_vectors WHERE space_id = ? AND image_id = ?");
    for (const auto id : p.dropped) {
      gone.reset();
      gone.bind(1, space.id);
      gone.bind(2, id);
      gone.exec();
    }
    if (p.c.bytes != 0 || p.moved) detail::rewrite_vector_rows(space.file, space.dim, keep, file_lock);
    tx.commit();
    out.push_back(p.c);
  }
  return out;
}

std::int64_t count_image_vectors(Database& db, const VectorSpace& space) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), "SELECT count(*) FROM image_vectors WHERE space_id = ?");
  q.bind(1, space.id);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

void forget_embedding_output(Database& db, std::int64_t prediction_id) {
  auto tx = db.write_transaction();
  SQLite::Statement q(db.sql(), "UPDATE predictions SET output = ? WHERE id = ? AND status = 'succeeded'");
  q.bind(1, kStoredEmbedding);
  q.bind(2, prediction_id);
  q.exec();
  tx.commit();
}

std::optional<std::vector<float>> cached_query_vector(Database& db, const VectorSpace& space, const std::string& text) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), "SELECT vector FROM query_vectors WHERE space_id = ? AND text = ?");
  q.bind(1, space.id);
  q.bind(2, text);
  if (!q.executeStep()) return std::nullopt;
  const auto col = q.getColumn(0);
  const auto bytes = static_cast<std::size_t>(col.getBytes());
  if (bytes != static_cast<std::size_t>(space.dim) * sizeof(float)) return std::nullopt;
  std::vector<float> v(static_cast<std::size_t>(space.dim));
  std::memcpy(v.data(), col.getBlob(), bytes);
  return v;
}

void cache_query_vector(Database& db, const VectorSpace& space, const std::string& text, std::span<const float> vector) {
  check_length(space, vector.size());
  const auto u = unit_copy(vector);
  auto tx = db.write_transaction();
  SQLite::Statement q(db.sql(),
                      "INSERT OR REPLACE INTO query_vectors (space_id, text, vector, created_at) VALUES (?, ?, ?, ?)");
  q.bind(1, space.id);
  q.bind(2, text);
  q.bind(3, u.data(), static_cast<int>(u.size() * sizeof(float)));
  q.bind(4, util::now_iso8601());
  q.exec();
  tx.commit();
}

}  // namespace photoagent::store
