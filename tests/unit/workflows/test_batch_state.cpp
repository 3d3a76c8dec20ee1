#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "photoagent/store/database.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/workflows/batch_state.hpp"
#include "support.hpp"

using namespace photoagent;
using nlohmann::json;
namespace fs = std::filesystem;
using workflows::BatchItem;
using workflows::BatchState;

namespace {

store::PredictionRow row(const std::string& key, const std::string& status, const std::string& rid = "",
                         const std::string& output = "") {
  store::PredictionRow r;
  r.key = key;
  r.purpose = "generate";
  r.model = "black-forest-labs/flux-schnell";
  r.input = json{{"prompt", "p " + key}, {"seed", 7}}.dump();
  r.input_digest = "digest-" + key;
  r.created_at = "2026-11-21T05:31:59Z";
  r.status = store::parse_prediction_status(status);
  r.replicate_id = rid;
  r.output = output;
  return r;
}

std::vector<json> lines(const fs::path& file) {
  std::vector<json> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

BatchItem item(const std::string& key, const fs::path& dir) { return {key, {"p " + key, "", dir.string(), 7}}; }

// Long intervals: only what the test asks for is synced.
BatchState::Options quiet() { return {std::chrono::milliseconds(60000), 1u << 20}; }

const std::string kOut = R"(["https://replicate.delivery/a/out-0.png"])";

}  // namespace

TEST_SUITE("workflows::batch_state") {
  TEST_CASE("replay: a reopened journal knows which items have their files") {
    testing::TempDir dir;
    {
      BatchState s(dir.path(), quiet());
      s.record(row("a", "sent"));
      s.record(row("a", "succeeded", "r1", kOut));
      s.record(row("a", "succeeded", "r1", kOut), {(dir.path() / "a-0.png").string()});
      s.record(row("b", "sent"));
      CHECK(s.without_files({"a", "b", "c"}) == std::vector<std::string>{"b", "c"});
    }
    BatchState s(dir.path(), quiet());
    CHECK(s.without_files({"a", "b"}) == std::vector<std::string>{"b"});
    const auto recs = lines(s.file());
    REQUIRE(recs.size() == 4);
    // What import needs goes once per key; later records carry the change.
    CHECK(recs[0].contains("input"));
    CHECK_FALSE(recs[1].contains("input"));
    CHECK(recs[1]["replicate_id"] == "r1");
    CHECK(recs[2]["files"].size() == 1);
  }

  TEST_CASE("import into an empty cache: each item with its last known state") {
    testing::TempDir dir, home;
    {
      BatchState s(dir.path(), quiet());
      s.record(row("done", "sent"));
      s.record(row("done", "succeeded", "r1", kOut), {(dir.path() / "done-0.png").string()});
      s.record(row("inflight", "sent"));
      s.record(row("answered", "sent"));
      s.record(row("answered", "succeeded", "r3", kOut));
      s.record(row("polling", "sent"));
      s.record(row("polling", "starting", "r4"));
      s.record(row("failed", "sent"));
      auto f = row("failed", "failed", "r5");
      f.error = "NSFW";
      s.record(f);
      auto u = row("unknown", "unknown");
      u.error = "could not confirm";
      s.record(row("unknown", "sent"));
      s.record(u);
    }
    store::Database db(home.path());
    BatchState s(dir.path(), quiet());
    std::vector<BatchItem> items;
    for (const char* k : {"done", "inflight", "answered", "polling", "failed", "unknown", "never-seen"})
      items.push_back(item(k, dir.path()));
    CHECK(s.import_missing(db, items) == 5);

    auto done = store::find_prediction(db, "done");
    REQUIRE(done);
    CHECK(store::to_string(done->status) == "succeeded");
    CHECK(done->replicate_id == "r1");
    CHECK(done->output == kOut);
    CHECK(done->created_at == "2026-11-21T05:31:59Z");  // reconciliation lists from it
    CHECK(json::parse(store::prediction_files(db, done->id)).size() == 1);
    CHECK(store::generation_info(db, done->id).output_dir == dir.path().string());
    CHECK(store::generation_info(db, done->id).prompt == "p done");

    auto inflight = store::find_prediction(db, "inflight");
    REQUIRE(inflight);
    CHECK(store::to_string(inflight->status) == "sent");  // reconciled before any create
    CHECK(inflight->replicate_id.empty());
    CHECK(inflight->input_digest == "digest-inflight");

    // The answer was there but no file: the output must come along, or the
    // resume would finish it with nothing to download.
    auto answered = store::find_prediction(db, "answered");
    REQUIRE(answered);
    CHECK(store::to_string(answered->status) == "succeeded");
    CHECK(answered->output == kOut);
    CHECK(store::prediction_files(db, answered->id).empty());

    auto polling = store::find_prediction(db, "polling");
    REQUIRE(polling);
    CHECK(store::to_string(polling->status) == "starting");
    CHECK(polling->replicate_id == "r4");

    CHECK_FALSE(store::find_prediction(db, "failed"));  // runs again anyway
    auto unknown = store::find_prediction(db, "unknown");
    REQUIRE(unknown);
    CHECK(store::to_string(unknown->status) == "unknown");  // never re-created silently

    CHECK(s.import_missing(db, items) == 0);  // the cache knows them now
  }

  TEST_CASE("a success whose output was too large to keep is asked for again") {
    testing::TempDir dir, home;
    {
      BatchState s(dir.path(), quiet());
      s.record(row("big", "sent"));
      s.record(row("big", "succeeded", "r1", json::array({"data:image/png;base64," + std::string(40000, 'A')}).dump()));
    }
    CHECK(fs::file_size(dir.path() / ".photoagent-batch.jsonl") < 4000);
    store::Database db(home.path());
    BatchState s(dir.path(), quiet());
    CHECK(s.import_missing(db, {item("big", dir.path())}) == 1);
    auto r = store::find_prediction(db, "big");
    REQUIRE(r);
    CHECK(store::to_string(r->status) == "processing");  // polled: the answer brings the output back
    CHECK(r->replicate_id == "r1");
  }

  TEST_CASE("a new attempt starts clean: a failed attempt's id is not carried over") {
    testing::TempDir dir, home;
    {
      BatchState s(dir.path(), quiet());
      s.record(row("k", "sent"));
      s.record(row("k", "failed", "r-old"));
      s.record(row("k", "sent"));
    }
    store::Database db(home.path());
    BatchState s(dir.path(), quiet());
    CHECK(s.import_missing(db, {item("k", dir.path())}) == 1);
    auto r = store::find_prediction(db, "k");
    REQUIRE(r);
    CHECK(store::to_string(r->status) == "sent");
    CHECK(r->replicate_id.empty());
  }

  TEST_CASE("a torn last line is cut off, and the next record starts on its own line") {
    testing::TempDir dir, home;
    {
      BatchState s(dir.path(), quiet());
      s.record(row("a", "sent"));
      s.record(row("a", "succeeded", "r1", kOut));
    }
    const auto file = dir.path() / ".photoagent-batch.jsonl";
    {
      std::ofstream f(file, std::ios::app);
      f << R"({"key":"b","status":"sent","model":"black-forest-labs/fl)";  // a crash mid-write
    }
    {
      BatchState s(dir.path(), quiet());
      CHECK(s.stats().damaged_lines == 1);
      s.record(row("c", "sent"));
    }
    const auto recs = lines(file);  // every line parses
    REQUIRE(recs.size() == 3);
    CHECK(recs[2]["key"] == "c");
    store::Database db(home.path());
    BatchState s(dir.path(), quiet());
    CHECK(s.stats().damaged_lines == 0);
    CHECK(s.import_missing(db, {item("a", dir.path()), item("b", dir.path()), item("c", dir.path())}) == 2);
    CHECK(store::to_string(store::find_prediction(db, "a")->status) == "succeeded");
    CHECK_FALSE(store::find_prediction(db, "b"));
  }

  TEST_CASE("a damaged line in the middle is skipped, the rest replays") {
    testing::TempDir dir, home;
    const auto file = dir.path() / ".photoagent-batch.jsonl";
    {
      BatchState s(dir.path(), quiet());
      s.record(row("a", "sent"));
    }
    {
      std::ofstream f(file, std::ios::app);
      f << "not json\n";
    }
    {
      BatchState s(dir.path(), quiet());
      s.record(row("b", "sent"));
    }
    store::Database db(home.path());
    BatchState s(dir.path(), quiet());
    CHECK(s.stats().damaged_lines == 1);
    CHECK(s.import_missing(db, {item("a", dir.path()), item("b", dir.path())}) == 2);
  }

  TEST_CASE("complete() compacts to one record per key; appends continue after it") {
    testing::TempDir dir, home;
    const auto file = dir.path() / ".photoagent-batch.jsonl";
    {
      BatchState s(dir.path(), quiet());
      for (const char* k : {"a", "b", "c"}) {
        s.record(row(k, "sent"));
        s.record(row(k, "succeeded", std::string("r-") + k, kOut));
        s.record(row(k, "succeeded", std::string("r-") + k, kOut), {(dir.path() / (std::string(k) + ".png")).string()});
      }
      CHECK(lines(file).size() == 9);
      s.complete();
      const auto recs = lines(file);
      REQUIRE(recs.size() == 3);
      for (const auto& r : recs) {
        CHECK(r["status"] == "succeeded");
        CHECK(r.contains("input"));
        CHECK(r["files"].size() == 1);
        CHECK(r["replicate_id"] == "r-" + r["key"].get<std::string>());
      }
      CHECK(s.without_files({"a", "b", "c"}).empty());
      s.record(row("d", "sent"));  // into the new file
    }
    CHECK(lines(file).size() == 4);
    for (const auto& e : fs::directory_iterator(dir.path()))
      CHECK_MESSAGE(e.path().filename().string().find(".tmp-") == std::string::npos, e.path().string());
    store::Database db(home.path());
    BatchState s(dir.path(), quiet());
    CHECK(s.import_missing(db, {item("a", dir.path()), item("d", dir.path())}) == 2);
    CHECK(store::find_prediction(db, "a")->replicate_id == "r-a");
  }

  TEST_CASE("large journals are merged a bucket of keys at a time: every key once, whole") {
    testing::TempDir dir, home;
    const int n = 5000;  // more than one pass
    const std::string odd = "line \"id\" with \\ and quotes";  // a batch line's own id, escaped in the journal
    {
      BatchState s(dir.path(), quiet());
      for (int i = 0; i < n; ++i) s.record(row("k" + std::to_string(i), "sent"));
      s.record(row(odd, "sent"));
      for (int i = 0; i < n; ++i)
        s.record(row("k" + std::to_string(i), "succeeded", "r" + std::to_string(i), kOut), {"/out/" + std::to_string(i) + ".png"});
      s.record(row(odd, "succeeded", "r-odd", kOut));
      s.complete();
    }
    const auto recs = lines(dir.path() / ".photoagent-batch.jsonl");
    REQUIRE(recs.size() == n + 1);
    std::set<std::string> keys;
    for (const auto& r : recs) {
      keys.insert(r["key"].get<std::string>());
      CHECK(r.contains("input_digest"));
      CHECK(r["status"] == "succeeded");
    }
    CHECK(keys.size() == n + 1);
    CHECK(keys.count(odd) == 1);
    store::Database db(home.path());
    BatchState s(dir.path(), quiet());
    std::vector<BatchItem> items;
    for (int i = 0; i < n; ++i) items.push_back(item("k" + std::to_string(i), dir.path()));
    items.push_back(item(odd, dir.path()));
    CHECK(s.import_missing(db, items) == n + 1);
    CHECK(store::find_prediction(db, "k4321")->replicate_id == "r4321");
    CHECK(store::find_prediction(db, odd)->replicate_id == "r-odd");
    CHECK(s.without_files({"k0", odd}) == std::vector<std::string>{odd});
  }

  TEST_CASE("the previous release's .photoagent-batch.json is migrated and resumes") {
    testing::TempDir dir, home;
    const json old = {{"version", 1},
                      {"items",
                       {{"k1", {{"purpose", "generate"}, {"model", "black-forest-labs/flux-schnell"}, {"version", ""},
                                {"input", R"({"prompt":"x","seed":1})"}, {"input_digest", "d1"},
                                {"created_at", "2026-11-20T10:00:00Z"}, {"status", "sent"}}},
                        {"k2", {{"purpose", "generate"}, {"model", "black-forest-labs/flux-schnell"}, {"version", ""},
                                {"input", R"({"prompt":"y","seed":2})"}, {"input_digest", "d2"},
                                {"created_at", "2026-11-20T10:00:01Z"}, {"status", "succeeded"},
                                {"replicate_id", "r2"}, {"output", kOut},
                                {"files", {(dir.path() / "y.png").string()}}}}}}};
    util::write_file_atomic(dir.path() / ".photoagent-batch.json", old.dump());
    // A kill during the old release's rewrite left its temporary file.
    util::write_file_atomic(dir.path() / ".photoagent-batch.json.tmp-123-456", "{");
    store::Database db(home.path());
    {
      BatchState s(dir.path(), quiet());
      CHECK_FALSE(fs::exists(dir.path() / ".photoagent-batch.json"));
      CHECK_FALSE(fs::exists(dir.path() / ".photoagent-batch.json.tmp-123-456"));
      CHECK(lines(s.file()).size() == 2);
      CHECK(s.without_files({"k1", "k2"}) == std::vector<std::string>{"k1"});
      CHECK(s.import_missing(db, {item("k1", dir.path()), item("k2", dir.path())}) == 2);
    }
    auto k1 = store::find_prediction(db, "k1");
    REQUIRE(k1);
    CHECK(store::to_string(k1->status) == "sent");
    CHECK(k1->created_at == "2026-11-20T10:00:00Z");
    auto k2 = store::find_prediction(db, "k2");
    REQUIRE(k2);
    CHECK(store::to_string(k2->status) == "succeeded");
    CHECK(k2->output == kOut);
  }

  TEST_CASE("a damaged old state is reported, not silently dropped") {
    testing::TempDir dir;
    util::write_file_atomic(dir.path() / ".photoagent-batch.json", "{\"items\": ");
    CHECK_THROWS_AS(BatchState(dir.path(), quiet()), util::Error);
  }

  TEST_CASE("fsync is grouped; a \"sent\" record is on disk before record() returns") {
    testing::TempDir dir;
    SUBCASE("records wait for the interval, a sent one does not") {
      BatchState s(dir.path(), quiet());
      for (int i = 0; i < 200; ++i) s.record(row("k" + std::to_string(i), "starting", "r" + std::to_string(i)));
      CHECK(s.stats().records == 200);
      CHECK(s.stats().fsyncs == 0);
      s.record(row("x", "sent"));
      CHECK(s.stats().fsyncs == 1);  // covering the 200 before it too
      s.flush();
      CHECK(s.stats().fsyncs == 1);  // nothing pending
      s.record(row("x", "starting", "rx"));
      s.flush();
      CHECK(s.stats().fsyncs == 2);
    }
    SUBCASE("a run of records wakes the flusher every flush_records") {
      BatchState s(dir.path(), {std::chrono::milliseconds(60000), 50});
      for (int i = 0; i < 1000; ++i) s.record(row("k" + std::to_string(i), "starting", "r"));
      // The interval is a minute away: only the count can have woken it.
      for (int i = 0; i < 200 && s.stats().fsyncs == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      const auto st = s.stats();
      CHECK(st.fsyncs >= 1);
      CHECK(st.fsyncs <= 20);  // at most one per 50 records, never one per record
    }
    SUBCASE("the interval flushes what is pending") {
      BatchState s(dir.path(), {std::chrono::milliseconds(20), 1u << 20});
      s.record(row("k", "starting", "r"));
      for (int i = 0; i < 200 && s.stats().fsyncs == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      CHECK(s.stats().fsyncs == 1);
    }
    SUBCASE("concurrent sent records share fsyncs and stay whole lines") {
      {
        BatchState s(dir.path(), quiet());
        std::vector<std::thread> pool;
        for (int t = 0; t < 8; ++t)
          pool.emplace_back([&s, t] {
            for (int i = 0; i < 50; ++i) s.record(row("t" + std::to_string(t) + "-" + std::to_string(i), "sent"));
          });
        for (auto& th : pool) th.join();
        CHECK(s.stats().records == 400);
        CHECK(s.stats().fsyncs <= 400);
      }
      CHECK(lines(dir.path() / ".photoagent-batch.jsonl").size() == 400);
    }
    SUBCASE("destruction flushes") {
      {
        BatchState s(dir.path(), quiet());
        s.record(row("k", "starting", "r"));
        CHECK(s.stats().fsyncs == 0);
      }
      CHECK(lines(dir.path() / ".photoagent-batch.jsonl").size() == 1);
    }
  }

  TEST_CASE("two batches into one folder: the second is refused while the first holds it") {
    testing::TempDir dir;
    auto first = std::make_unique<BatchState>(dir.path(), quiet());
    CHECK_THROWS_AS(BatchState(dir.path(), quiet()), util::Error);
    first.reset();
    CHECK_NOTHROW(BatchState(dir.path(), quiet()));
  }
}
