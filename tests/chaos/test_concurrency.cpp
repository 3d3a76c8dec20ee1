// Concurrency: four photoagent processes on one cache at once (two uploads,
// one with paid captions, a generate batch into the project, and searches
// one after another the whole time). No "database is locked" (or any SQLite
// busy error) reaches a user, every process succeeds, nothing is lost or
// recorded twice, and the database stays intact.
#include <doctest/doctest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "checks.hpp"
#include "e2e/harness.hpp"
#include "e2e/pictures.hpp"

using e2e::FakeCloud;
using e2e::Sandbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

bool mentions_busy(const std::string& text) {
  for (const char* s : {"database is locked", "database table is locked", "SQLITE_BUSY", "busy", "internal error"})
    if (text.find(s) != std::string::npos) return true;
  return false;
}

void photos(const fs::path& dir, int n, unsigned seed0, const char* caption) {
  fs::create_directories(dir);
  for (int i = 0; i < n; ++i) {
    const auto name = "p" + std::to_string(seed0 + static_cast<unsigned>(i));
    e2e::write_file(dir / (name + ".jpg"), e2e::encode_jpeg(e2e::pattern(256, 192, 3, seed0 + static_cast<unsigned>(i))));
    if (caption) e2e::write_file(dir / (name + ".txt"), std::string(caption) + " " + std::to_string(i));
  }
}

}  // namespace

TEST_SUITE("chaos") {
  TEST_CASE("four processes upload, caption, generate and search one cache at once: no 'database is locked', nothing lost or doubled") {
    FakeCloud cloud({"--config-json", R"({"prediction_latency_ms":[20,80]})"});
    Sandbox box(cloud);
    e2e::TempDir work;
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    const int n_plain = 40, n_captioned = 24, n_generated = 48;
    photos(work.path() / "plain", n_plain, 100, "studio portrait, photo");
    photos(work.path() / "captioned", n_captioned, 500, nullptr);
    const auto batch = work.path() / "prompts.jsonl";
    {
      std::ofstream f(batch);
      for (int i = 0; i < n_generated; ++i) f << json{{"prompt", "TOK at the seaside, frame " + std::to_string(i)}}.dump() << "\n";
    }
    std::atomic<bool> writers_done{false};
    e2e::Result up1, up2, gen;
    std::vector<e2e::Result> searches;
    std::thread t1([&] { up1 = box.run({"upload", "ada", (work.path() / "plain").string(), "-j", "2", "--json"}, "", {}, 300); });
    std::thread t2([&] {
      up2 = box.run({"upload", "ada", (work.path() / "captioned").string(), "--auto-caption", "-j", "2", "--json"}, "", {}, 300);
    });
    std::thread t3([&] {
      gen = box.run({"generate", "-p", "ada", "--model", "black-forest-labs/flux-schnell", "--batch", batch.string(),
                     "--concurrency", "8", "-o", (work.path() / "out").string(), "--json"}, "", {}, 300);
    });
    std::thread t4([&] {
      // Searches one after another while the writers run; "nothing found" (1) is fine early on.
      while (!writers_done.load()) searches.push_back(box.run({"search", "portrait", "--limit", "5", "--json"}, "", {}, 60));
    });
    t1.join();
    t2.join();
    t3.join();
    writers_done = true;
    t4.join();

    for (const auto* r : {&up1, &up2, &gen}) {
      CHECK_MESSAGE(r->code == 0, r->err);
      CHECK_MESSAGE(!mentions_busy(r->err), r->err);
    }
    int search_ok = 0;
    for (const auto& s : searches) {
      CHECK_MESSAGE((s.code == 0 || s.code == 1), s.err);
      CHECK_MESSAGE(!mentions_busy(s.err), s.err);
      search_ok += s.code == 0;
    }
    CHECK(searches.size() >= 3);

    // Nothing lost, nothing twice: every photo once, every output once, one paid prediction each.
    auto dbs = chaos::databases(box.data_dir());
    REQUIRE(dbs.size() == 1);
    CHECK(chaos::sqlite(dbs[0], "PRAGMA integrity_check;") == "ok\n");
    CHECK(chaos::sqlite(dbs[0], "SELECT count(*) FROM images WHERE source = 'upload';") ==
          std::to_string(n_plain + n_captioned) + "\n");
    CHECK(chaos::sqlite(dbs[0], "SELECT count(*) FROM images WHERE source = 'generated';") ==
          std::to_string(n_generated) + "\n");
    CHECK(chaos::sqlite(dbs[0], "SELECT count(*) FROM (SELECT sha256 FROM images GROUP BY project_id, sha256 HAVING count(*) > 1);") == "0\n");
    CHECK(chaos::sqlite(dbs[0], "SELECT count(*) FROM images WHERE source = 'upload' AND caption = '';") == "0\n");
    const long created = cloud.stats()["predictions_created"].get<long>();
    CHECK(created == n_captioned + n_generated);
    CHECK(chaos::sqlite(dbs[0], "SELECT count(*) FROM predictions WHERE status = 'succeeded';") ==
          std::to_string(n_captioned + n_generated) + "\n");
    auto found = box.run({"search", "seaside", "--source", "generated", "--limit", "0", "--json"});
    REQUIRE_MESSAGE(found.code == 0, found.err);
    CHECK(found.json().size() == static_cast<std::size_t>(n_generated));
    MESSAGE("concurrency: 4 processes, " << searches.size() << " searches (" << search_ok << " with results), "
            << n_plain + n_captioned << " photos, " << n_generated << " outputs, predictions " << created);
  }
}
