#pragma once
// What the chaos and concurrency tests check after the storm: images that
// decode completely, a database SQLite calls intact, no temp files left.

#include <filesystem>
#include <string>
#include <vector>

namespace chaos {

// "" when `bytes` is a complete, valid PNG (every chunk CRC right, IHDR
// first, IEND last, the pixels decode to the IHDR size); else what is wrong.
std::string png_problem(const std::string& bytes);

// The SQLite databases under `dir` (found by their header, not their name).
std::vector<std::filesystem::path> databases(const std::filesystem::path& dir);

// Runs `sql` with the sqlite3 command-line shell on `db` (read-only); stdout.
std::string sqlite(const std::filesystem::path& db, const std::string& sql);

// Files under `dir` that a finished run must not leave: photoagent's atomic
// writes (`*.tmp-*`), anything in the cache's tmp/ folder, partial downloads.
std::vector<std::filesystem::path> temp_files(const std::filesystem::path& dir);

// The lines of a file (JSON Lines stdout of a batch, a journal).
std::vector<std::string> lines_of(const std::filesystem::path& file);

}  // namespace chaos
