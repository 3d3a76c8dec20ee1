// The store side of `photoagent cache` (prune candidates, row deletion that
// keeps shared files, integrity check, VACUUM INTO backups) and SQLite's
// failures in the user's words (sqlite_error.hpp), on a small fixture cache.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>

#include "photoagent/store/cache_care.hpp"
#include "photoagent/store/sqlite_error.hpp"
#include "search_fixture.hpp"

namespace store = photoagent::store;
namespace fs = std::filesystem;

namespace {

std::vector<std::int64_t> ids_of(const std::vector<store::PruneCandidate>& cs) {
  std::vector<std::int64_t> out;
  for (const auto& c : cs) out.push_back(c.file.image_id);
  return out;
}

}  // namespace

TEST_SUITE("store::cache_care") {
  TEST_CASE("prune: outputs made before the date, never photos; rows of a project that is gone") {
    testing::SearchCache c;
    CHECK(store::prune_candidates(c.db, "").empty());
    // Outputs: 4 (ada, 02-10), 5 (ada, 02-15), 7 (bob, 03-01); photos 1-3 and 6 are older still.
    const auto older = store::prune_candidates(c.db, "2026-02-12T00:00:00Z");
    CHECK(ids_of(older) == std::vector<std::int64_t>{4});
    CHECK(older[0].reason == "older");
    CHECK(older[0].file.project == "ada");
    CHECK(ids_of(store::prune_candidates(c.db, "2027-01-01T00:00:00Z")) == std::vector<std::int64_t>{4, 5, 7});

    // A project deleted with foreign keys off leaves its rows behind.
    c.db.sql().exec("PRAGMA foreign_keys=OFF");
    c.db.sql().exec("DELETE FROM projects WHERE name = 'bob'");
    c.db.sql().exec("PRAGMA foreign_keys=ON");
    const auto gone = store::prune_candidates(c.db, "");
    CHECK(ids_of(gone) == std::vector<std::int64_t>{6, 7});
    for (const auto& g : gone) {
      CHECK(g.reason == "project deleted");
      CHECK(g.file.project.empty());
    }
    CHECK(store::delete_image_rows(c.db, {6, 7}).size() == 2);
    CHECK(store::prune_candidates(c.db, "").empty());
    CHECK(store::integrity_problems(c.db).empty());
  }

  TEST_CASE("deleting rows returns only the files no other row uses") {
    testing::SearchCache c;
    auto shared = store::find_image(c.db, 1);
    REQUIRE(shared);
    shared->project_id = c.bob.id;  // the same file in another project
    REQUIRE(store::insert_image(c.db, *shared));
    CHECK(store::delete_image_rows(c.db, {1}).empty());
    const auto rows = store::stored_files(c.db);
    const auto last = rows.back();
    CHECK(last.path == shared->path);
    CHECK(store::delete_image_rows(c.db, {last.image_id}) == std::vector<std::string>{shared->path});
    CHECK(store::delete_image_rows(c.db, {}).empty());
  }

  TEST_CASE("backup: VACUUM INTO a new file, 0600, never over an existing one") {
    testing::SearchCache c;
    const fs::path copy = c.dir.path() / "copy.db";
    store::backup_database(c.db, copy);
    REQUIRE(fs::exists(copy));
    struct stat st {};
    REQUIRE(::stat(copy.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    {
      SQLite::Database b(copy.string(), SQLite::OPEN_READONLY);
      CHECK(b.execAndGet("SELECT COUNT(*) FROM images").getInt() == 7);
      CHECK(b.execAndGet("PRAGMA integrity_check").getString() == "ok");
    }
    const auto size = fs::file_size(copy);
    CHECK_THROWS_AS(store::backup_database(c.db, copy), photoagent::util::Error);
    CHECK(fs::file_size(copy) == size);
    CHECK_THROWS_AS(store::backup_database(c.db, c.dir.path() / "no" / "such" / "copy.db"), photoagent::util::Error);
  }

  TEST_CASE("SQLite's codes in the user's words") {
    const fs::path db = "/data/photoagent.db";
    CHECK(store::sqlite_error(SQLITE_READONLY, "attempt to write a readonly database", db).message() ==
          "the cache database is read-only: /data/photoagent.db; check the permissions of it and of its -wal and -shm files");
    CHECK(store::sqlite_error(SQLITE_READONLY_DBMOVED, "", db).message().starts_with("the cache database is read-only"));
    const std::string damaged =
        "the cache database is damaged: run `photoagent cache check`; restore from a backup made with "
        "`photoagent cache backup`";
    CHECK(store::sqlite_error(SQLITE_CORRUPT, "database disk image is malformed", db).message() == damaged);
    CHECK(store::sqlite_error(SQLITE_NOTADB, "file is not a database", db).message() == damaged);
    CHECK(store::sqlite_error(SQLITE_BUSY, "database is locked", db).message().starts_with("the cache database is busy"));
    CHECK(store::sqlite_error(SQLITE_FULL, "database or disk is full", db).message().starts_with("the disk is full"));
    for (int code : {SQLITE_READONLY, SQLITE_CORRUPT, SQLITE_BUSY, SQLITE_FULL, SQLITE_IOERR})
      CHECK(store::sqlite_error(code, "x", db).exit_code() == 1);

    // From exceptions: SQLite's are translated, anything else is left alone.
    testing::TempDir dir;
    store::Database d(dir.path());
    try {
      d.sql().exec("SELECT * FROM no_such_table");
      FAIL("no exception");
    } catch (const std::exception& e) {
      auto known = d.explain(e);
      REQUIRE(known);
      CHECK(known->message().find("no such table") != std::string::npos);
    }
    CHECK_FALSE(d.explain(std::runtime_error("other")));
  }

  TEST_CASE("a database file nobody may write opens read-only: reads work, a write says so") {
    testing::TempDir dir;
    {
      testing::SearchCache c;  // its own folder; copy its database
      store::backup_database(c.db, dir.path() / "photoagent.db");
    }
    ::chmod((dir.path() / "photoagent.db").c_str(), 0444);
    store::Database d(dir.path());
    CHECK(store::stored_files(d).size() == 7);
    try {
      store::delete_image_rows(d, {1});
      FAIL("the write went through");
    } catch (const photoagent::util::Error& e) {
      CHECK(e.message() == "the cache database is read-only: " + (dir.path() / "photoagent.db").string() +
                               "; check the permissions of it and of its -wal and -shm files");
    }
    CHECK(store::stored_files(d).size() == 7);
  }
}
