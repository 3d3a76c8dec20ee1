#pragma once
// Embedding vectors of images (migration 9): one space per model + version,
// its vectors in a matrix file beside the database (DATA/vectors/space-ID.i8),
// which image uses which row in image_vectors, and cached query vectors of
// text. Vectors of two spaces never mix: a new model or version is a new
// space, filled on request (search --index).
//
// The file is append-only: a row (image id, scale, DIM int8 components) is
// written and synced under an exclusive lock, then recorded; a trailing
// partial row (a crash mid-write) is ignored and overwritten by the next
// append. Rows no longer recorded (re-embedded or deleted images, a crash
// before the record) are skipped by every reader, until `cache gc` rewrites
// the file without them (compact_vector_files).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "photoagent/store/database.hpp"
#include "photoagent/store/search.hpp"

namespace photoagent::store {

struct VectorSpace {
  std::int64_t id = 0;
  std::string model;    // owner/name
  std::string version;  // "" for a model run without one
  int dim = 0;
  std::filesystem::path file;  // absolute
};

// The space of model + version, created (with `dim`) when missing;
// util::Error when it exists with another dimension.
VectorSpace vector_space(Database& db, const std::string& model, const std::string& version, int dim);
std::optional<VectorSpace> find_vector_space(Database& db, const std::string& model, const std::string& version);
// The most recently created space of a model (any version).
std::optional<VectorSpace> latest_vector_space(Database& db, const std::string& model);

// Appends the image's vector (any length > 0; stored at unit length) and
// makes it the image's current one in this space.
void put_image_vector(Database& db, const VectorSpace& space, std::int64_t image_id, std::span<const float> vector);
// The same for many images: one write, one sync, one transaction.
void put_image_vectors(Database& db, const VectorSpace& space,
                       const std::vector<std::pair<std::int64_t, std::vector<float>>>& vectors);
// The image's current vector (unit length, from its int8 row), if any.
std::optional<std::vector<float>> image_vector(Database& db, const VectorSpace& space, std::int64_t image_id);
// Images (optionally of one project) with no vector in the space (every
// image when there is no space yet), by id. Records pointing past the end
// of the matrix file (removed, or restored from an older copy) are dropped
// first, so those images count as missing.
std::vector<std::int64_t> images_without_vector(Database& db, const std::optional<VectorSpace>& space,
                                                std::optional<std::int64_t> project_id);
std::int64_t count_image_vectors(Database& db, const VectorSpace& space);

// `cache gc`: each space's matrix file without the rows no image uses now
// (older vectors of re-embedded images, vectors of deleted images, rows a
// crash left unrecorded): rewritten beside itself and renamed over it, its
// records moved in one transaction, all under the file's append lock. A
// record whose row holds another image (a crash between the rename and the
// commit) is pointed at the image's row when the file has one, else dropped
// (the image counts as not embedded). dry_run: counts only. Lists the spaces
// that had something to reclaim.
struct VectorCompaction {
  VectorSpace space;
  std::int64_t rows = 0;   // whole rows in the file before
  std::int64_t kept = 0;   // rows images use
  std::int64_t bytes = 0;  // reclaimed (or that would be)
};
std::vector<VectorCompaction> compact_vector_files(Database& db, bool dry_run);

// An embedding prediction's output once its vector is stored (the image's
// row or the query cache): not kept twice (768 numbers are ~15 kB of JSON a
// row). A run that meets it while the vector is gone asks again.
inline constexpr const char* kStoredEmbedding = R"({"embedding":"kept in the vector store"})";
void forget_embedding_output(Database& db, std::int64_t prediction_id);

// Cached query vectors (unit length), by the exact text.
std::optional<std::vector<float>> cached_query_vector(Database& db, const VectorSpace& space, const std::string& text);
void cache_query_vector(Database& db, const VectorSpace& space, const std::string& text,
                        std::span<const float> vector);

struct VectorHit {
  std::int64_t image_id = 0;
  double score = 0;  // cosine, -1..1
};
// The images nearest `query` (any length), best first, among those passing
// `filters` (all fields but `exclude`, which is a full-text expression, are
// honoured; `exclude` too). `skip_image` is left out (--like's own image).
std::vector<VectorHit> nearest_images(Database& db, const VectorSpace& space, std::span<const float> query,
                                      const SearchFilters& filters, std::int64_t limit, std::int64_t offset,
                                      std::int64_t skip_image = 0);

// Every current vector passing `filters`, for all-pairs work (duplicates).
struct VectorSet {
  int dim = 0;
  std::vector<std::int64_t> image_ids;
  std::vector<float> scales;
  std::vector<std::int8_t> rows;  // image_ids.size() x dim
};
VectorSet load_vectors(Database& db, const VectorSpace& space, const SearchFilters& filters);

}  // namespace photoagent::store
