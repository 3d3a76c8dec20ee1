// store::search_text and the triggers of migration 7 on the fixture cache
// (search_fixture.hpp): ranking, every filter, order and pages, and the index
// kept right by every write path.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>

#include "photoagent/store/predictions.hpp"
#include "photoagent/util/error.hpp"
#include "search_fixture.hpp"
#include "store/migrations.hpp"

using namespace photoagent::store;
using Ids = std::vector<std::int64_t>;

TEST_SUITE("store::search") {
  TEST_CASE("every indexed field is found: caption, tags, category, file, prompt, style, model, seed, project") {
    testing::SearchCache c;
    c.check_index();
    CHECK(c.sorted(c.ids("\"window\"")) == Ids{2});             // caption
    CHECK(c.sorted(c.ids("\"summer\"")) == Ids{1});             // tags
    CHECK(c.sorted(c.ids("\"packshot\"")) == Ids{6});           // category
    CHECK(c.sorted(c.ids("\"img\" \"0003\"")) == Ids{3});       // original file name
    CHECK(c.sorted(c.ids("\"sailboat\"")) == Ids{4});           // prompt
    CHECK(c.sorted(c.ids("\"headshot\"")) == Ids{4});           // style
    CHECK(c.sorted(c.ids("\"schnell\"")) == Ids{5});            // model
    CHECK(c.sorted(c.ids("\"42\"")) == Ids{4});                 // seed
    CHECK(c.sorted(c.ids("\"lovelace\"")) == Ids{1, 2, 3, 4, 5});  // project description
    CHECK(c.sorted(c.ids("\"bob\"")) == Ids{6, 7});                // project name
  }

  TEST_CASE("case and accents are ignored; prefixes use the prefix index") {
    testing::SearchCache c;
    CHECK(c.ids("\"cafe\"") == Ids{3});
    CHECK(c.ids("\"CAFÉ\"") == Ids{3});
    CHECK(c.ids("\"sail\" *") == Ids{4});
    CHECK(c.ids("\"sa\" *") == Ids{4});  // two letters: prefix='2 3'
    CHECK(c.ids("\"sail\"").empty());   // a whole word otherwise
  }

  TEST_CASE("ranking: caption and prompt above tags, file name last; scores are higher for better matches") {
    testing::SearchCache c;
    TextSearch s;
    s.match = "\"beach\"";
    auto hits = search_text(c.db, s);
    REQUIRE(hits.size() == 3);
    CHECK(hits[0].image.id == 1);  // caption and tags
    CHECK(hits[1].image.id == 7);  // prompt
    CHECK(hits[2].image.id == 2);  // file name only
    CHECK(hits[0].score > hits[1].score);
    CHECK(hits[1].score > hits[2].score);
    CHECK(hits[2].score > 0);
    s.match = "\"red\"";
    const auto red = c.ids(s);
    REQUIRE(red.size() == 3);
    CHECK(red.back() == 6);  // red_mug.jpg: the file name only
  }

  TEST_CASE("a hit carries its row, its generation and a marked snippet") {
    testing::SearchCache c;
    TextSearch s;
    s.match = "\"sailboat\"";
    auto hits = search_text(c.db, s);
    REQUIRE(hits.size() == 1);
    const auto& h = hits[0];
    CHECK(h.image.project == "ada");
    CHECK(h.image.source == "generated");
    CHECK(h.prompt == "TOK_ADA on a sailboat at golden hour");
    CHECK(h.style == "headshot");
    CHECK(h.model == "black-forest-labs/flux-dev");
    CHECK(h.seed == 42);
    CHECK(h.snippet.find(std::string(1, kMatchStart) + "sailboat" + kMatchEnd) != std::string::npos);
    s.match = "\"terrace\"";
    hits = search_text(c.db, s);
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].prompt.empty());
    CHECK(hits[0].seed == -1);
    CHECK(hits[0].image.category == "candid");
    CHECK(hits[0].image.tags == "cafe,outdoor");
  }

  TEST_CASE("filters on the base tables") {
    testing::SearchCache c;
    auto run = [&](const char* match, auto set) {
      TextSearch s;
      s.match = match;
      s.limit = 0;
      set(s.filters);
      return c.sorted(c.ids(s));
    };
    CHECK(run("\"beach\"", [&](SearchFilters& f) { f.project_id = c.bob.id; }) == Ids{7});
    CHECK(run("\"beach\"", [](SearchFilters& f) { f.source = "upload"; }) == Ids{1, 2});
    CHECK(run("\"beach\"", [](SearchFilters& f) { f.source = "generated"; }) == Ids{7});
    CHECK(run("\"red\"", [](SearchFilters& f) { f.category = "FULL-BODY"; }) == Ids{1});
    CHECK(run("\"tok_ada\"", [](SearchFilters& f) { f.style = "headshot"; }) == Ids{4});
    CHECK(run("\"tok_ada\"", [](SearchFilters& f) { f.model = "flux-dev"; }) == Ids{4});
    CHECK(run("\"mug\"", [](SearchFilters& f) { f.model = "black-forest-labs/flux-dev"; }) == Ids{7});
    CHECK(run("\"tok_ada\"", [](SearchFilters& f) { f.model = "forest-labs/flux-dev"; }).empty());
    CHECK(run("\"red\"", [](SearchFilters& f) { f.tags = {"Summer"}; }) == Ids{1});
    CHECK(run("\"red\"", [](SearchFilters& f) { f.tags = {"red", "beach"}; }) == Ids{1});
    CHECK(run("\"red\"", [](SearchFilters& f) { f.tags = {"re"}; }).empty());  // whole tags only
    CHECK(run("\"lovelace\"", [](SearchFilters& f) { f.since = "2026-02-01T10:00:00Z"; }) == Ids{3, 4, 5});
    CHECK(run("\"lovelace\"", [](SearchFilters& f) { f.until = "2026-01-10T10:00:00Z"; }) == Ids{1});
    CHECK(run("\"lovelace\"", [](SearchFilters& f) {
            f.since = "2026-01-06T00:00:00Z";
            f.until = "2026-02-11T00:00:00Z";
          }) == Ids{2, 3, 4});
    CHECK(run("\"red\"", [](SearchFilters& f) { f.exclude = "\"dress\""; }) == Ids{6});
    CHECK(run("\"red\"", [](SearchFilters& f) { f.exclude = "\"dress\" OR \"mug\""; }).empty());
    CHECK(run("\"red\"", [&](SearchFilters& f) {
            f.project_id = c.ada.id;
            f.source = "generated";
            f.model = "flux-schnell";
          }) == Ids{5});
  }

  TEST_CASE("order by date, limit and offset") {
    testing::SearchCache c;
    TextSearch s;
    s.match = "\"beach\"";
    s.sort = SearchSort::date;
    CHECK(c.ids(s) == Ids{7, 2, 1});
    s.limit = 1;
    s.offset = 1;
    CHECK(c.ids(s) == Ids{2});
    const auto hit = search_text(c.db, s).at(0);
    CHECK(hit.snippet.find(std::string(1, kMatchStart) + "beach") != std::string::npos);  // the file name
    CHECK(hit.score > 0);
    s.sort = SearchSort::score;
    s.offset = 2;
    s.limit = 5;
    CHECK(c.ids(s) == Ids{2});
    s.offset = 3;
    CHECK(c.ids(s).empty());
  }

  TEST_CASE("a bad expression is a usage error in our words, never SQLite's") {
    testing::SearchCache c;
    for (const std::string bad : {"red (", "\"red", "AND red", "nope:red", "*", "NEAR(red, x)"}) {
      CAPTURE(bad);
      try {
        c.ids(bad);
        FAIL("accepted");
      } catch (const photoagent::util::Error& e) {
        CHECK(e.code() == photoagent::util::ExitCode::usage);
        CHECK(e.message().find("fts5") == std::string::npos);
        CHECK(e.message().find("syntax error near") == std::string::npos);
        CHECK(e.message().find("no such column") == std::string::npos);
      }
    }
  }

  TEST_CASE("triggers: an edit re-indexes the image") {
    testing::SearchCache c;
    ImageEdit e;
    e.caption = "man in a blue coat";
    e.tags = "winter";
    e.category = "";
    update_image(c.db, 1, e);
    c.check_index();
    CHECK(c.sorted(c.ids("\"dress\"")) == Ids{5});
    CHECK(c.ids("\"coat\"") == Ids{1});
    CHECK(c.ids("\"winter\"") == Ids{1});
    CHECK(c.ids("\"summer\"").empty());
    TextSearch s;
    s.match = "\"coat\"";
    s.filters.category = "full-body";
    CHECK(c.ids(s).empty());
  }

  TEST_CASE("triggers: remove, re-upload, project delete") {
    testing::SearchCache c;
    const auto before = *find_image(c.db, 2);
    delete_image(c.db, 2);
    c.check_index();
    CHECK(c.ids("\"window\"").empty());
    auto again = before;
    again.id = 0;
    auto row = insert_image(c.db, again);  // the same file uploaded again
    REQUIRE(row);
    c.check_index();
    CHECK(c.ids("\"window\"") == Ids{row->id});
    CHECK(row->id != 2);
    delete_project(c.db, c.bob.id);
    c.check_index();
    CHECK(c.ids("\"mug\"").empty());
    CHECK(c.ids("\"ceramic\"").empty());
    CHECK(c.db.sql().execAndGet("SELECT COUNT(*) FROM search_docs").getInt() == 5);
  }

  TEST_CASE("triggers: a project renamed or described anew, a generation's details changed or deleted") {
    testing::SearchCache c;
    c.db.sql().exec("UPDATE projects SET name = 'ada-v2', description = 'portraits by the sea' WHERE name = 'ada'");
    c.check_index();
    CHECK(c.ids("\"lovelace\"").empty());
    CHECK(c.sorted(c.ids("\"sea\"")) == Ids{1, 2, 3, 4, 5});
    CHECK(c.sorted(c.ids("\"v2\"")) == Ids{1, 2, 3, 4, 5});

    const auto pid = c.db.sql().execAndGet("SELECT prediction_id FROM images WHERE id = 4").getInt64();
    GenerationInfo g;
    g.prompt = "TOK_ADA riding a horse";
    g.style = "cinematic";
    g.seed = 99;
    set_generation_info(c.db, pid, g);
    c.check_index();
    CHECK(c.ids("\"horse\"") == Ids{4});
    CHECK(c.ids("\"cinematic\"") == Ids{4});
    CHECK(c.ids("\"99\"") == Ids{4});
    CHECK(c.ids("\"headshot\"").empty());
    CHECK(c.ids("\"42\"").empty());
    // Its caption was the old prompt: now it differs, so it is indexed as a caption.
    CHECK(c.ids("\"sailboat\"") == Ids{4});

    // A status change does not touch the index (no text changed).
    const auto docs_before = c.db.sql().execAndGet("SELECT total_changes()").getInt64();
    c.db.sql().exec("UPDATE predictions SET status = 'failed' WHERE id = " + std::to_string(pid));
    CHECK(c.db.sql().execAndGet("SELECT total_changes()").getInt64() == docs_before + 1);

    delete_prediction(c.db, pid);
    c.check_index();
    CHECK(c.ids("\"horse\"").empty());
    CHECK(c.ids("\"cinematic\"").empty());
    CHECK(c.sorted(c.ids("\"sailboat\"")) == Ids{4});  // its own caption stays
  }

  TEST_CASE("migration 7 indexes what a cache of schema 6 already holds") {
    testing::TempDir dir;
    {
      SQLite::Database raw((dir.path() / "photoagent.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      for (int v = 0; v < 6; ++v) raw.exec(std::string(detail::kMigrations[static_cast<std::size_t>(v)]));
      raw.exec("PRAGMA user_version=6");
      raw.exec("INSERT INTO projects (name, kind, trigger_word, description, created_at)"
               " VALUES ('ada', 'person', 'TOK', 'old friend', 'x')");
      raw.exec("INSERT INTO predictions (key, purpose, model, input, input_digest, status, created_at, prompt, style)"
               " VALUES ('k', 'generate', 'owner/model', '{}', 'd', 'succeeded', 'x', 'a lighthouse at dusk', 'gym')");
      raw.exec("INSERT INTO images (project_id, sha256, source_sha256, path, original_name, bytes, width, height,"
               " caption, tags, source, created_at, prediction_id) VALUES"
               " (1, 'a', 'a', 'images/a.jpg', 'kitchen.jpg', 1, 1, 1, 'baking bread', 'food', 'upload', 'x', NULL),"
               " (1, 'b', 'b', 'images/b.png', 'out.png', 1, 1, 1, 'a lighthouse at dusk', '', 'generated', 'x', 1)");
    }
    Database db(dir.path());
    CHECK(db.schema_version() == Database::latest_schema_version());
    auto ids = [&](const char* m) {
      TextSearch s;
      s.match = m;
      Ids out;
      for (const auto& h : search_text(db, s)) out.push_back(h.image.id);
      std::sort(out.begin(), out.end());
      return out;
    };
    CHECK(ids("\"bread\"") == Ids{1});
    CHECK(ids("\"kitchen\"") == Ids{1});
    CHECK(ids("\"lighthouse\"") == Ids{2});
    CHECK(ids("\"gym\"") == Ids{2});
    CHECK(ids("\"friend\"") == Ids{1, 2});
    CHECK_NOTHROW(db.sql().exec("INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)"));
  }
}
