#pragma once
// `photoagent cache`: looking after the local cache (issue 12 item 5).
//   du      space by project and kind (photos, outputs, other, database)
//   prune   rows and files of outputs older than a date and of deleted projects
//   gc      files no row refers to, temporary files a killed photoagent left,
//           and vector rows no image uses (the matrix files compacted)
//   backup  a consistent copy of the database while others use it (VACUUM INTO)
//   check   SQLite's integrity check, and every stored file present with its hash
// Plus the cheap sweep of stale temporary files run when the cache opens.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "photoagent/store/cache_care.hpp"
#include "photoagent/store/database.hpp"
#include "photoagent/store/vectors.hpp"
#include "photoagent/util/clock.hpp"
#include "photoagent/util/env.hpp"

namespace photoagent::workflows {

// --- du ---
struct DiskUse {
  std::string project;  // "" for what belongs to no project (other, database)
  std::string kind;     // photos | outputs | other | database
  std::int64_t files = 0;
  std::int64_t bytes = 0;  // on disk; a file shared by two projects counts in both
};
struct DiskUseReport {
  std::vector<DiskUse> rows;  // by project, then other and database
  std::int64_t total_bytes = 0;  // each file once
};
DiskUseReport disk_usage(store::Database& db);

// --- prune ---
struct PruneReport {
  bool dry_run = false;
  std::vector<store::PruneCandidate> images;  // rows removed (or that would be)
  std::vector<std::string> files;             // stored files removed (relative paths)
  std::int64_t bytes = 0;                     // their size on disk
};
// `before`: an RFC 3339 time; "" prunes only the rows of deleted projects.
PruneReport prune_cache(store::Database& db, const std::string& before, bool dry_run);

// --- gc and the start-up sweep ---
// A temporary file is stale when the process named in it (AtomicFile's
// NAME.tmp-PID-N, a training zip tmp/PROJECT-PID.zip) is gone and it is
// older than kTempMinAge, so a running photoagent's files are never taken;
// one that names no process (a weights.tar download, an LFS part in
// $TMPDIR) only after kNamelessTempAge. An orphan (a stored file no row
// refers to) waits kTempMinAge too: generate writes the file a moment before
// the row.
inline constexpr std::chrono::minutes kTempMinAge{10};
inline constexpr std::chrono::hours kNamelessTempAge{24};

struct GcItem {
  std::filesystem::path path;
  std::string reason;  // "orphan" | "temporary"
  std::int64_t bytes = 0;
};
struct GcReport {
  bool dry_run = false;
  std::vector<GcItem> items;
  std::int64_t bytes = 0;
  std::size_t kept_young = 0;  // candidates left because they are recent or their process runs
  // Vector matrix files rewritten without their dead rows (store/vectors.hpp).
  std::vector<store::VectorCompaction> vectors;
  std::int64_t vector_bytes = 0;
};
GcReport collect_garbage(store::Database& db, const util::Env& env, bool dry_run,
                         const util::Clock& clock = util::system_clock());

// At most once per kTempMinAge (a stamp file), within a few milliseconds and
// a few hundred entries: stale files in DATA/tmp and photoagent's LFS parts
// in $TMPDIR. Never walks the image folders (that is `cache gc`); never throws.
void sweep_stale_temps(const std::filesystem::path& data_dir, const util::Env& env) noexcept;

// --- backup ---
// The size of the copy written to `target` (refused when it exists).
std::int64_t backup_cache(store::Database& db, const std::filesystem::path& target);

// --- check ---
struct CheckReport {
  std::vector<std::string> problems;  // empty: sound
  std::size_t files = 0;              // stored files hashed
};
CheckReport check_cache(store::Database& db);

}  // namespace photoagent::workflows
