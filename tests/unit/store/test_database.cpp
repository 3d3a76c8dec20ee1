#include <doctest/doctest.h>

#include <SQLiteCpp/Statement.h>

#include "photoagent/store/database.hpp"
#include "photoagent/store/projects.hpp"
#include "photoagent/util/error.hpp"
#include "support.hpp"

using namespace photoagent::store;

TEST_SUITE("store::database") {
  TEST_CASE("a new cache is migrated to the latest schema, in WAL mode") {
    testing::TempDir dir;
    Database db(dir.path());
    CHECK(db.schema_version() == Database::latest_schema_version());
    CHECK(db.sql().execAndGet("PRAGMA journal_mode").getString() == "wal");
    CHECK(db.sql().execAndGet("PRAGMA foreign_keys").getInt() == 1);
    CHECK(std::filesystem::exists(dir.path() / "photoagent.db"));
  }

  TEST_CASE("reopening does not migrate again") {
    testing::TempDir dir;
    { Database db(dir.path()); }
    Database again(dir.path());
    CHECK(again.schema_version() == Database::latest_schema_version());
  }

  TEST_CASE("a cache from a newer photoagent is refused with a hint") {
    testing::TempDir dir;
    {
      Database db(dir.path());
      db.sql().exec("PRAGMA user_version=" + std::to_string(Database::latest_schema_version() + 1));
    }
    try {
      Database db(dir.path());
      FAIL("opened a newer cache");
    } catch (const photoagent::util::Error& e) {
      CHECK(e.message().find("newer photoagent") != std::string::npos);
    }
  }

  TEST_CASE("projects: insert, find, list, duplicate, delete cascades") {
    testing::TempDir dir;
    Database db(dir.path());
    Project p;
    p.name = "ada";
    p.kind = "person";
    p.trigger = "TOK_ADA";
    p.created_at = "2026-01-01T00:00:00Z";
    auto saved = insert_project(db, p);
    CHECK(saved.id > 0);
    CHECK_THROWS_AS(insert_project(db, p), photoagent::util::Error);
    p.name = "bob";
    insert_project(db, p);
    auto all = list_projects(db);
    REQUIRE(all.size() == 2);
    CHECK(all[0].name == "ada");
    // Two projects share one stored file; deleting one must keep the file.
    db.sql().exec("INSERT INTO images (project_id, sha256, source_sha256, path, bytes, width, height, source, created_at)"
                  " VALUES (1, 'aa', 's1', 'images/aa/aa.jpg', 1, 1, 1, 'upload', 'now'),"
                  "        (2, 'aa', 's1', 'images/aa/aa.jpg', 1, 1, 1, 'upload', 'now'),"
                  "        (1, 'bb', 's2', 'images/bb/bb.jpg', 1, 1, 1, 'upload', 'now')");
    CHECK(find_project(db, "ada")->images == 2);
    auto orphans = delete_project(db, saved.id);
    CHECK(orphans == std::vector<std::string>{"images/bb/bb.jpg"});
    CHECK_FALSE(find_project(db, "ada").has_value());
    CHECK(db.sql().execAndGet("SELECT COUNT(*) FROM images").getInt() == 1);
  }
}
