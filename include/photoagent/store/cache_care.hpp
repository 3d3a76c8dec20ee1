#pragma once
// The queries behind `photoagent cache`: which files the image rows refer
// to, which rows a prune removes, the integrity check and a consistent copy
// of the database (VACUUM INTO). The files themselves are the caller's
// (workflows/cache_care.cpp); only SQL lives here.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "photoagent/store/database.hpp"

namespace photoagent::store {

// One image row and the stored file it refers to.
struct StoredFile {
  std::int64_t image_id = 0;
  std::string project;  // "" when the project row is gone
  std::string path;     // relative to the data folder
  std::string sha256;   // of the file as stored
  std::string source;   // upload | generated
  std::string created_at;
  std::int64_t bytes = 0;  // as recorded
};

// Every image row, by id.
std::vector<StoredFile> stored_files(Database& db);

// What `cache prune` removes: generated outputs created before `before`
// (an RFC 3339 time; "" for none) and rows whose project is gone (written
// by a connection with foreign keys off, or an older release).
struct PruneCandidate {
  StoredFile file;
  std::string reason;  // "older" | "project deleted"
};
std::vector<PruneCandidate> prune_candidates(Database& db, const std::string& before);

// Deletes the image rows in one transaction and returns the stored files
// (relative paths) no remaining row refers to: the caller deletes those
// after the commit, so a crash can leave an orphan file (found by `cache
// gc`), never a row pointing at nothing.
std::vector<std::string> delete_image_rows(Database& db, const std::vector<std::int64_t>& ids);

// PRAGMA integrity_check: nothing when the database is sound, else SQLite's
// list of problems.
std::vector<std::string> integrity_problems(Database& db);

// A consistent copy of the whole database at `target` (VACUUM INTO: one
// read transaction, so writers in other processes go on); created 0600.
// Refuses a target that exists.
void backup_database(Database& db, const std::filesystem::path& target);

}  // namespace photoagent::store
