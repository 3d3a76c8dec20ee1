// Rows of issue 13's table whose other tests could not fail on the build
// before the fixes, or failed there for another reason (a config key it did
// not know): each case here sets up the audit's exact input and fails on
// that build for the audit's reason (PA_E2E_PHOTOAGENT runs an older
// binary; tests/fakecloud/README.md).
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>

#include "harness.hpp"
#include "helpers.hpp"
#include "pictures.hpp"

using e2e::FakeCloud;
using e2e::has;
using e2e::kFlux;
using e2e::Sandbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kHuge = "99999999999999999999999";
constexpr const char* kCreate = "POST /v1/models/{owner}/{name}/predictions";
constexpr const char* kDelivery = "GET /_delivery/{id}/{file}";

long route_count(const FakeCloud& cloud, const std::string& route) {
  const auto by = cloud.stats()["requests_by_route"];
  return by.contains(route) ? by[route].get<long>() : 0;
}

// Settings written to the config file itself, not with `config set`: a build
// that does not know a key then ignores it and shows its own behaviour.
void write_config(const Sandbox& box, const json& values) {
  fs::create_directories(box.config_dir());
  std::ofstream(box.config_dir() / "config.json") << values.dump();
}

// A logged-in studio with a project of captioned photos (as in test_train.cpp).
struct Studio : e2e::Studio {
  explicit Studio(const std::string& config = R"({"training_duration_ms":500})")
      : e2e::Studio({"--config-json", config}) {
    login_replicate();
    login_huggingface();
    login_sendgrid();
    create_project();
    upload_photos(10);
  }
};

// A 429 whose only hint is `hint` (headers and body as given), once, on the create.
json throttle_once(const json& headers, const std::string& detail) {
  return {{{"route", kCreate}, {"kind", "status"}, {"status", 429}, {"count", 1}, {"retry_after", nullptr},
           {"headers", headers}, {"body", {{"detail", detail}, {"status", 429}}}}};
}

// Permissions stop only a user who is not root: when the suite runs as
// root, a sandbox is handed to `nobody` and photoagent runs as nobody.
void hand_to_user(const fs::path& home) {
  if (::geteuid() != 0) return;
  ::chmod(home.c_str(), 0755);  // nobody must reach its own files below
  for (const auto& e : fs::recursive_directory_iterator(home)) REQUIRE(::lchown(e.path().c_str(), 65534, 65534) == 0);
  REQUIRE(::chown(home.c_str(), 65534, 65534) == 0);
}

e2e::Result run_as_user(const Sandbox& box, std::vector<std::string> args) {
  args.insert(args.begin(), PHOTOAGENT_BIN);
  if (::geteuid() == 0) args.insert(args.begin(), {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
  return e2e::run_process(args, box.env);
}

}  // namespace

TEST_SUITE("e2e::issue 13 rows") {
  // The other 429 test also sends a huge Retry-After, which the old parser
  // read first (and overflowed to a short wait); these hints come alone.
  TEST_CASE("row 429: a huge 'resets in ~Ns' alone waits the longest backoff, never 'internal error: stoll'") {
    FakeCloud cloud;
    Sandbox box(cloud);
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    cloud.post("/_fake/config", {{"faults", throttle_once(json::object(), std::string("Request was throttled. Your rate "
                                                                                       "limit resets in ~") +
                                                                              kHuge + "s.")}});
    auto r = box.run_and_signal({"generate", "--model", kFlux, "a fox", "-o", (box.home() / "out").string()}, SIGINT, 2000);
    CHECK_MESSAGE(r.code == 130, r.err);  // it was waiting when interrupted
    CHECK(cloud.stats()["faults_injected"] == 1);
    CHECK_MESSAGE(!has(r.err, "internal error"), r.err);
    CHECK_FALSE(has(r.err, "stoll"));
  }

  TEST_CASE("row 429: a huge RateLimit value alone in a batch waits; no item fails with 'internal error: stoll'") {
    FakeCloud cloud{{"--config-json", R"({"prediction_latency_ms":50})"}};
    Sandbox box(cloud);
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    cloud.post("/_fake/config",
               {{"faults", throttle_once({{"RateLimit", std::string("\"api\";r=0;t=") + kHuge}}, "Request was throttled.")}});
    const auto batch = box.home() / "b.jsonl";
    std::ofstream(batch) << "{\"prompt\":\"one\"}\n{\"prompt\":\"two\"}\n{\"prompt\":\"three\"}\n";
    auto r = box.run_and_signal({"generate", "--model", kFlux, "--batch", batch.string(), "-o",
                                 (box.home() / "out").string(), "--concurrency", "2"},
                                SIGINT, 2500);
    CHECK_MESSAGE(r.code == 130, r.err);  // before: exit 6, the throttled item failed
    CHECK(cloud.stats()["faults_injected"] == 1);
    CHECK_FALSE(has(r.err, "terminate"));
    CHECK_FALSE(has(r.err, "internal error"));
  }

  TEST_CASE("row weights: a tar announced at 2 GiB over the configured cap is fetched once and leaves no file") {
    Studio s;
    write_config(s.box, {{"download.max_weights_mb", "100"}});
    s.cloud.post("/_fake/config", {{"faults", {{{"route", kDelivery}, {"kind", "oversize"}, {"length", 2147483648ULL}}}}});
    auto r = s.box.run({"train", "ada", "--wait", "--json"}, "", {}, 120);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    const auto t = r.json();
    CHECK(t["hf_pushed"] == false);
    CHECK_MESSAGE(has(t.value("hf_error", ""), "larger than the 100 MiB allowed (Content-Length: 2147483648)"), t.dump());
    CHECK(route_count(s.cloud, kDelivery) == 1);  // before: the body written without a cap, then fetched 5 more times
    for (const auto& e : fs::recursive_directory_iterator(s.box.home()))
      CHECK_MESSAGE(e.path().filename() != "weights.tar", e.path().string());
  }

  TEST_CASE("row trickle: a body at 2 bytes a second ends at the configured deadline, not when the server likes") {
    FakeCloud cloud{{"--config-json", R"({"prediction_latency_ms":50})"}};
    Sandbox box(cloud);
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    write_config(box, {{"download.output_deadline_s", "2"}});
    cloud.post("/_fake/config", {{"faults", {{{"route", kDelivery}, {"kind", "trickle"}, {"bytes_per_s", 2}}}}});
    const auto start = std::chrono::steady_clock::now();
    auto r = box.run({"generate", "--model", kFlux, "a lighthouse", "-o", (box.home() / "o").string(), "--json"}, "", {},
                     30);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK_MESSAGE(took < std::chrono::seconds(20), r.err);  // before: still reading when the harness gave up
    CHECK(r.code == 1);
    CHECK_MESSAGE(has(r.out, "took longer than 2 s"), r.out);
  }

  TEST_CASE("row model card: an API string with backticks and HTML stays inside its code span") {
    Studio s;
    const std::string version = "ada-lab/ada:`<img src=x onerror=alert(1)>`";
    s.cloud.post("/_fake/config", {{"faults", {{{"route", "GET /v1/trainings/{id}"}, {"kind", "patch"},
                                                {"if_contains", "succeeded"},
                                                {"patch", {{"output", {{"version", version}}}}}}}}});
    auto r = s.box.run({"train", "ada", "--wait"}, "", {}, 120);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    const auto card = s.cloud.get_text("/_fake/hf/files?repo=ada-hf/ada-lora&path=README.md");
    // A longer fence, padded because the text ends with a backtick (CommonMark).
    CHECK_MESSAGE(has(card, "Replicate version: `` " + version + " ``\n"), card);
    CHECK_FALSE(has(card, "Replicate version: `" + version + "`\n"));  // before: the img tag left the code span
    auto mail = s.cloud.get("/_fake/outbox");
    REQUIRE(mail.size() == 1);
    for (const auto& part : mail[0]["body"]["content"])
      if (part["type"] == "text/html") CHECK_FALSE(has(part["value"].get<std::string>(), "<img"));
  }

  TEST_CASE("row corrupted database: a damaged table found after the open is one line naming cache check") {
    FakeCloud cloud;
    Sandbox box(cloud);
    e2e::TempDir files;
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    std::vector<std::string> up{"upload", "ada"};
    for (unsigned i = 1; i <= 3; ++i) {
      const auto p = files.path() / ("p" + std::to_string(i) + ".jpg");
      e2e::write_file(p, e2e::encode_jpeg(e2e::pattern(300, 200, 3, i)));
      up.push_back(p.string());
    }
    REQUIRE(box.run(up).code == 0);
    const auto db = box.data_dir() / "photoagent.db";
    REQUIRE(box.run({"project", "list"}).code == 0);  // checkpointed: the rows are in the main file
    // The images table's root page; the schema and the header stay sound, so
    // the cache opens and only reading the table fails.
    e2e::damage_table(db, "images");
    REQUIRE(box.run({"project", "list"}).code == 0);  // the open and other tables work
    auto r = box.run({"project", "images", "ada"});
    CHECK(r.code == 1);
    CHECK_MESSAGE(!has(r.err, "internal error"), r.err);
    CHECK_MESSAGE(r.err ==
                      "error: the cache database is damaged: run `photoagent cache check`; restore from a backup "
                      "made with `photoagent cache backup`\n",
                  r.err);
  }

  // test_cache.cpp's read-only case runs as whoever runs the suite; as root
  // a 0444 file is still writable to SQLite, and the old build wrote to it.
  // Here a user that cannot write it runs photoagent (root drops to nobody).
  TEST_CASE("row read-only database: a write to a database its user cannot write is one line, exit 1") {
    FakeCloud cloud;
    Sandbox box(cloud);
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    const auto db = box.data_dir() / "photoagent.db";
    hand_to_user(box.home());
    auto as_user = [&](const std::vector<std::string>& args) { return run_as_user(box, args); };
    ::chmod(db.c_str(), 0444);
    auto list = as_user({"project", "list"});
    REQUIRE_MESSAGE(list.code == 0, list.err);
    auto write = as_user({"project", "create", "bob", "--kind", "person"});
    CHECK(write.code == 1);
    CHECK_MESSAGE(write.err == "error: the cache database is read-only: " + db.string() + "; check the permissions of it and of its -wal and -shm files\n",
                  write.err);  // before: "internal error: attempt to write a readonly database"
    // SQLite made the -wal and -shm files of the read-only open with the
    // database's mode (0444): the fix is to all three.
    for (const char* suffix : {"", "-wal", "-shm"}) ::chmod((db.string() + suffix).c_str(), 0644);
    auto again = as_user({"project", "create", "bob", "--kind", "person"});
    CHECK_MESSAGE(again.code == 0, again.err);
  }

  // test_hostile_input.cpp's read-only -o case is skipped under root.
  TEST_CASE("row -o: a folder its user cannot write is refused before any prediction is paid") {
    FakeCloud cloud{{"--config-json", R"({"prediction_latency_ms":50})"}};
    Sandbox box(cloud);
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    const auto ro = box.home() / "ro";
    fs::create_directories(ro);
    hand_to_user(box.home());
    ::chmod(ro.c_str(), 0555);
    auto r = run_as_user(box, {"generate", "--model", kFlux, "a fox", "-o", ro.string()});
    CHECK(r.code == 2);
    CHECK_MESSAGE(has(r.err, "cannot write into"), r.err);
    CHECK(cloud.stats()["predictions_created"] == 0);  // before: paid, then 'cannot write'
  }

  // test_hostile_input.cpp's CSV case has a non-UTF-8 line first, which
  // stopped the old build before it reached the NUL.
  TEST_CASE("row NUL in a CSV field: that line fails naming the byte, the others keep their exact text") {
    FakeCloud cloud{{"--config-json", R"({"prediction_latency_ms":50})"}};
    Sandbox box(cloud);
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    const auto batch = box.home() / "b.csv";
    e2e::write_file(batch, std::string("prompt,seed\nfirst line,1\nzebra") + '\0' + " here,2\nlast line,3\n");
    auto r = box.run({"generate", "--model", kFlux, "--batch", batch.string(), "-o", (box.home() / "o").string(), "--json"});
    CHECK_MESSAGE(r.code == 6, r.err);  // before: 0, the line sent cut or whole
    CHECK_MESSAGE(has(r.err, "b.csv:3: the line holds a NUL character at byte 6"), r.err);
    CHECK(cloud.stats()["predictions_created"] == 2);
    CHECK_FALSE(has(r.out, "zebra"));
  }
}
