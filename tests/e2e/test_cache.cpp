// photoagent cache (du, prune, gc, backup, check), the start-up sweep of
// stale temporary files, and a read-only or damaged cache database, through
// the real binary against the emulator.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "harness.hpp"
#include "pictures.hpp"

using e2e::FakeCloud;
using e2e::Sandbox;
using nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const char* kDamaged =
    "error: the cache database is damaged: run `photoagent cache check`; restore from a backup made with "
    "`photoagent cache backup`";

// A cache with two uploaded photos and two generated outputs of project ada.
struct Cache {
  FakeCloud cloud{{"--config-json", R"({"prediction_latency_ms":20})"}};
  Sandbox box{cloud};
  e2e::TempDir files;

  Cache() {
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    for (unsigned i = 1; i <= 2; ++i)
      e2e::write_file(files.path() / ("p" + std::to_string(i) + ".jpg"), e2e::encode_jpeg(e2e::pattern(300, 200, 3, i)));
    auto up = box.run({"upload", "ada", (files.path() / "p1.jpg").string(), (files.path() / "p2.jpg").string()});
    REQUIRE_MESSAGE(up.code == 0, up.err);
    auto gen = box.run({"generate", "-p", "ada", "--model", "black-forest-labs/flux-schnell", "a lighthouse at dusk",
                        "-n", "2", "--seed", "5", "-o", (files.path() / "out").string()});
    REQUIRE_MESSAGE(gen.code == 0, gen.err);
  }

  json run_json(const std::vector<std::string>& args, int want = 0) const {
    auto a = args;
    a.push_back("--json");
    auto r = box.run(a);
    REQUIRE_MESSAGE(r.code == want, r.err);
    return r.json();
  }
  json images(const char* source) const { return run_json({"project", "images", "ada", "--source", source}); }
  fs::path db() const { return box.data_dir() / "photoagent.db"; }
};

void age(const fs::path& p, std::chrono::minutes by) {
  fs::last_write_time(p, fs::file_time_type::clock::now() - by);
}

json row_of(const json& du, const std::string& project, const std::string& kind) {
  for (const auto& r : du["rows"])
    if (r["kind"] == kind && (project.empty() ? r["project"].is_null() : r["project"] == project)) return r;
  return nullptr;
}

}  // namespace

TEST_SUITE("e2e::cache") {
  TEST_CASE("du: space by project and kind, as the files are on disk") {
    Cache c;
    const json du = c.run_json({"cache", "du"});
    const json photos = row_of(du, "ada", "photos"), outputs = row_of(du, "ada", "outputs");
    REQUIRE(photos.is_object());
    REQUIRE(outputs.is_object());
    CHECK(photos["files"] == 2);
    CHECK(outputs["files"] == 2);
    std::int64_t photo_bytes = 0;
    for (const auto& i : c.images("upload")) photo_bytes += fs::file_size(i["path"].get<std::string>());
    CHECK(photos["bytes"].get<std::int64_t>() == photo_bytes);
    const json database = row_of(du, "", "database");
    REQUIRE(database.is_object());
    CHECK(database["bytes"].get<std::int64_t>() >= static_cast<std::int64_t>(fs::file_size(c.db())));
    std::int64_t sum = 0;
    for (const auto& r : du["rows"]) sum += r["bytes"].get<std::int64_t>();
    CHECK(du["total_bytes"].get<std::int64_t>() == sum);  // nothing shared between projects here
    auto table = c.box.run({"cache", "du"});
    CHECK(table.code == 0);
    CHECK(table.out.find("ada\tphotos\t2\t") != std::string::npos);
  }

  TEST_CASE("prune --dry-run lists and sums but changes nothing; prune --before removes outputs, rows and files") {
    Cache c;
    const json outputs = c.images("generated");
    REQUIRE(outputs.size() == 2);
    const auto before_du = c.run_json({"cache", "du"});
    const json dry = c.run_json({"cache", "prune", "--before", "2999-01-01", "--dry-run"});
    CHECK(dry["dry_run"] == true);
    CHECK(dry["images"].size() == 2);
    CHECK(dry["files"].size() == 2);
    CHECK(dry["bytes"].get<std::int64_t>() == row_of(before_du, "ada", "outputs")["bytes"].get<std::int64_t>());
    for (const auto& i : dry["images"]) CHECK(i["reason"] == "older");
    // Nothing changed: rows, files, sizes.
    CHECK(c.images("generated") == outputs);
    for (const auto& o : outputs) CHECK(fs::exists(o["path"].get<std::string>()));
    CHECK(c.run_json({"cache", "du"})["rows"] == before_du["rows"]);

    // A date before everything removes nothing; photos are never pruned by date.
    CHECK(c.run_json({"cache", "prune", "--before", "2000-01-01"})["images"].empty());
    const json done = c.run_json({"cache", "prune", "--before", "2999-01-01"});
    CHECK(done["dry_run"] == false);
    CHECK(done["images"].size() == 2);
    CHECK(c.images("generated").empty());
    CHECK(c.images("upload").size() == 2);
    for (const auto& o : outputs) CHECK_FALSE(fs::exists(o["path"].get<std::string>()));
    CHECK(fs::is_directory(c.files.path() / "out"));  // the user's -o folder is not the cache's
    CHECK(c.box.run({"search", "lighthouse"}).code == 1);  // the index followed the rows
    CHECK(c.box.run({"cache", "check"}).code == 0);
    auto bad = c.box.run({"cache", "prune", "--before", "last tuesday"});
    CHECK(bad.code == 2);
    CHECK(bad.err.find("--before") != std::string::npos);
  }

  TEST_CASE("gc removes orphans and stale temporary files, keeps fresh ones and anything in use") {
    Cache c;
    const fs::path images = c.box.data_dir() / "images";
    fs::create_directories(images / "ff");
    // 99999999 is above any pid_max: that process is certainly gone.
    const fs::path stale_tmp = images / "ff" / "ffaa.jpg.tmp-99999999-1";
    const fs::path fresh_tmp = images / "ff" / "ffbb.jpg.tmp-99999999-2";
    const fs::path live_tmp = images / "ff" / ("ffcc.jpg.tmp-" + std::to_string(::getpid()) + "-3");
    const fs::path stale_orphan = images / "ff" / (std::string(64, 'f') + ".jpg");
    const fs::path fresh_orphan = images / "ff" / (std::string(63, 'f') + "e.jpg");
    const fs::path stale_zip = c.box.data_dir() / "tmp" / "ada-99999999.zip";
    fs::create_directories(stale_zip.parent_path());
    for (const auto& p : {stale_tmp, fresh_tmp, live_tmp, stale_orphan, fresh_orphan, stale_zip})
      e2e::write_file(p, std::string(1000, 'x'));
    for (const auto& p : {stale_tmp, live_tmp, stale_orphan, stale_zip}) age(p, 60min);

    const json dry = c.run_json({"cache", "gc", "--dry-run"});
    CHECK(dry["files"].size() == 3);
    CHECK(dry["bytes"] == 3000);
    for (const auto& p : {stale_tmp, stale_orphan, stale_zip}) CHECK(fs::exists(p));

    const json gc = c.run_json({"cache", "gc"});
    std::set<std::string> removed;
    for (const auto& f : gc["files"]) removed.insert(f["path"].get<std::string>() + " " + f["reason"].get<std::string>());
    CHECK(removed == std::set<std::string>{stale_tmp.string() + " temporary", stale_orphan.string() + " orphan",
                                           stale_zip.string() + " temporary"});
    CHECK_FALSE(fs::exists(stale_tmp));
    CHECK_FALSE(fs::exists(stale_orphan));
    CHECK_FALSE(fs::exists(stale_zip));
    CHECK(fs::exists(fresh_tmp));     // may be a running write
    CHECK(fs::exists(live_tmp));      // its process (this test) is alive
    CHECK(fs::exists(fresh_orphan));  // generate writes the file a moment before the row
    CHECK(gc["kept_recent"].get<int>() >= 3);
    // Every referenced file stayed.
    CHECK(c.box.run({"cache", "check"}).code == 0);
    CHECK(c.images("upload").size() == 2);
  }

  TEST_CASE("start-up sweep: a stale temporary file in DATA/tmp goes on the next command, at most every 10 minutes") {
    Cache c;
    const fs::path tmp = c.box.data_dir() / "tmp";
    const fs::path stale = tmp / "ada-99999999.zip", fresh = tmp / "bob-99999999.zip";
    REQUIRE(fs::is_directory(tmp));  // made by the first sweep, private like the data folder
    CHECK((fs::status(tmp).permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
    e2e::write_file(stale, "zip");
    e2e::write_file(fresh, "zip");
    age(stale, 30min);
    fs::remove(tmp / ".swept");  // as if the last sweep was long ago
    REQUIRE(c.box.run({"project", "list"}).code == 0);
    CHECK_FALSE(fs::exists(stale));
    CHECK(fs::exists(fresh));
    // A sweep just ran: the next commands do not look again for 10 minutes.
    e2e::write_file(stale, "zip");
    age(stale, 30min);
    REQUIRE(c.box.run({"project", "list"}).code == 0);
    CHECK(fs::exists(stale));
    age(tmp / ".swept", 11min);
    REQUIRE(c.box.run({"project", "list"}).code == 0);
    CHECK_FALSE(fs::exists(stale));
  }

  TEST_CASE("check: the database and every stored file; a changed or missing file is listed, exit 1") {
    Cache c;
    auto ok = c.box.run({"cache", "check", "--json"});
    REQUIRE_MESSAGE(ok.code == 0, ok.err);
    CHECK(ok.json()["ok"] == true);
    CHECK(ok.json()["files"] == 4);
    const json photos = c.images("upload");
    const fs::path changed = photos[0]["path"].get<std::string>(), gone = photos[1]["path"].get<std::string>();
    {
      std::fstream f(changed, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(100);
      f.put('\x7f');
    }
    fs::remove(gone);
    auto bad = c.box.run({"cache", "check"});
    CHECK(bad.code == 1);
    CHECK(bad.out.find("image " + std::to_string(photos[0]["id"].get<int>()) + " (ada): ") != std::string::npos);
    CHECK(bad.out.find("changed (sha256 ") != std::string::npos);
    CHECK(bad.out.find("missing " + fs::relative(gone, c.box.data_dir()).string()) != std::string::npos);
    auto j = c.box.run({"cache", "check", "--json"});
    CHECK(j.code == 1);
    CHECK(j.json()["ok"] == false);
    CHECK(j.json()["problems"].size() == 2);
  }

  TEST_CASE("backup: a copy that opens and passes the check; never overwrites; reports its size") {
    Cache c;
    const fs::path copy = c.files.path() / "backup.db";
    auto b = c.box.run({"cache", "backup", copy.string(), "--json"});
    REQUIRE_MESSAGE(b.code == 0, b.err);
    CHECK(b.json()["path"] == copy.string());
    CHECK(b.json()["bytes"].get<std::uintmax_t>() == fs::file_size(copy));
    CHECK((fs::status(copy).permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
    const auto before = e2e::read_file(copy);
    auto again = c.box.run({"cache", "backup", copy.string()});
    CHECK(again.code == 1);
    CHECK(again.err.find("already exists") != std::string::npos);
    CHECK(e2e::read_file(copy) == before);
    // Restored into another data folder, it holds the same projects and images.
    Sandbox other(c.cloud);
    fs::create_directories(other.data_dir());
    fs::copy_file(copy, other.data_dir() / "photoagent.db");
    auto list = other.run({"project", "images", "ada", "--json"});
    REQUIRE_MESSAGE(list.code == 0, list.err);
    CHECK(list.json().size() == 2);
  }

  TEST_CASE("backup while a batch writes: each copy opens and passes the integrity check; the batch is unharmed") {
    FakeCloud cloud{{"--config-json", R"({"prediction_latency_ms":[100,200]})"}};
    Sandbox box{cloud};
    e2e::TempDir files;
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    const fs::path batch = files.path() / "prompts.jsonl";
    {
      std::ofstream f(batch);
      for (int i = 0; i < 120; ++i) f << json{{"prompt", "a red kite number " + std::to_string(i)}}.dump() << "\n";
    }
    std::atomic<bool> done{false};
    e2e::Result batch_result;
    std::thread writer([&] {
      batch_result = box.run({"generate", "-p", "ada", "--model", "black-forest-labs/flux-schnell", "--batch",
                              batch.string(), "--concurrency", "4", "-o", (files.path() / "out").string()},
                             "", {}, 300);
      done = true;
    });
    std::vector<fs::path> copies;
    int during = 0;
    for (int i = 0; i < 3; ++i) {
      std::this_thread::sleep_for(700ms);
      const fs::path copy = files.path() / ("during-" + std::to_string(i) + ".db");
      auto b = box.run({"cache", "backup", copy.string()});
      CHECK_MESSAGE(b.code == 0, b.err);
      if (!done) ++during;
      copies.push_back(copy);
    }
    writer.join();
    CHECK_MESSAGE(batch_result.code == 0, batch_result.err);
    CHECK(during >= 2);  // the copies were taken while the batch ran
    std::size_t last_count = 0;
    for (const auto& copy : copies) {
      Sandbox restored(cloud);
      fs::create_directories(restored.data_dir());
      fs::copy_file(copy, restored.data_dir() / "photoagent.db");
      auto check = restored.run({"cache", "check", "--json"});
      // The copy's image files live in the other folder: only the database is judged here.
      for (const auto& p : check.json()["problems"])
        CHECK_MESSAGE(p.get<std::string>().rfind("database:", 0) != 0, p.dump());
      auto outputs = restored.run({"project", "images", "ada", "--source", "generated", "--json"});
      REQUIRE_MESSAGE(outputs.code == 0, outputs.err);
      CHECK(outputs.json().size() >= last_count);  // later copies hold more
      last_count = outputs.json().size();
    }
    CHECK(last_count < 120);  // the last copy too was taken mid-batch (120 items take 4.5 s or more)
  }

  TEST_CASE("a read-only cache database: reads work, a write says so in one line, exit 1") {
    Cache c;
    ::chmod(c.db().c_str(), 0444);
    auto list = c.box.run({"project", "list"});
    CHECK_MESSAGE(list.code == 0, list.err);
    CHECK(list.out.find("ada") != std::string::npos);
    auto write = c.box.run({"project", "create", "bob", "--kind", "person"});
    CHECK(write.code == 1);
    CHECK(write.err == "error: the cache database is read-only: " + c.db().string() + "; check the permissions of it and of its -wal and -shm files\n");
    CHECK(write.err.find("internal error") == std::string::npos);
    ::chmod(c.db().c_str(), 0644);
    CHECK(c.box.run({"project", "create", "bob", "--kind", "person"}).code == 0);
  }

  TEST_CASE("the disk full while writing the database (ulimit -f): one line naming space and the check, exit 1") {
    Cache c;
    const std::string cmd = std::string("ulimit -f 4; exec '") + PHOTOAGENT_BIN +
                            "' project create bob --kind person --description \"$(printf '%03000d' 0)\"";
    auto r = e2e::run_process({"/bin/sh", "-c", cmd}, c.box.env);
    CHECK(r.code == 1);
    CHECK(r.err.rfind("error: cannot write the cache database " + c.db().string() + " (", 0) == 0);
    CHECK(r.err.find("the disk may be full or a file-size limit reached") != std::string::npos);
    CHECK(r.err.find("internal error") == std::string::npos);
    // Nothing half-done: with room again the same command works, and the cache is sound.
    auto again = c.box.run({"project", "create", "bob", "--kind", "person"});
    CHECK_MESSAGE(again.code == 0, again.err);
    CHECK(c.box.run({"cache", "check"}).code == 0);
  }

  TEST_CASE("a damaged cache database: one line naming cache check and backups, exit 1; cache check says what is wrong") {
    Cache c;
    const auto size = fs::file_size(c.db());
    {
      // Garbage over the middle half: the pages of the tables, not the header.
      std::fstream f(c.db(), std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>(size / 4));
      for (std::uintmax_t i = 0; i < size / 2; ++i) f.put(static_cast<char>((i * 131 + 7) & 0xff));
    }
    for (const auto& args : std::vector<std::vector<std::string>>{{"project", "images", "ada"}, {"search", "lighthouse"}}) {
      auto r = c.box.run(args);
      CHECK(r.code == 1);
      CHECK(r.err == std::string(kDamaged) + "\n");
    }
    auto check = c.box.run({"cache", "check"});
    CHECK(check.code == 1);
    CHECK(check.out.rfind("database: ", 0) == 0);
  }
}
