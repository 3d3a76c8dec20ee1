#pragma once
// SQLite's failures in the user's words, each with a way out (issue 13):
// a read-only, damaged, busy or full cache database is one line naming what
// to do, never "internal error: attempt to write a readonly database".
// SQLite's codes are read here, inside the store; the layers above see
// util::Error (exit 1) or, for anything else, the exception unchanged.

#include <exception>
#include <filesystem>
#include <optional>
#include <string>

#include "photoagent/util/error.hpp"

namespace photoagent::store {

// How long a connection waits for another process's lock before SQLITE_BUSY.
inline constexpr int kBusyTimeoutSeconds = 15;

// The message for SQLite result code `code` (primary or extended) on the
// database `db_file`; `detail` is SQLite's own text, kept for codes that
// have no better words.
util::Error sqlite_error(int code, const std::string& detail, const std::filesystem::path& db_file);

// The same as sqlite_error(SQLITE_READONLY, ...), for callers without sqlite3.h.
util::Error read_only_error(const std::filesystem::path& db_file);

// `e` as a util::Error when it is a SQLite exception, else nothing.
std::optional<util::Error> sqlite_error(const std::exception& e, const std::filesystem::path& db_file);

}  // namespace photoagent::store
