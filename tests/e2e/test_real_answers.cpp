// The paid path against Replicate as it really answers (the emulator's
// recorded behaviour, on by default): internal model names, the newest
// version, sync "processing" answers without metrics, inputs and outputs
// removed after the retention (time-scaled here), connection resets.
#include <doctest/doctest.h>

#include <csignal>
#include <thread>

#include "harness.hpp"
#include "pictures.hpp"

using e2e::FakeCloud;
using e2e::Sandbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path kExif = fs::path(PA_TESTDATA_DIR) / "exif-orientation";

struct Real {
  FakeCloud cloud;
  Sandbox box{cloud};
  e2e::TempDir out;
  explicit Real(const std::string& config = R"({"prediction_latency_ms":100})") : cloud({"--config-json", config}) {
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
  }
  long stat(const char* k) {
    auto s = cloud.stats();
    return s.contains(k) ? s[k].get<long>() : 0;
  }
  long created() { return stat("predictions_created"); }
  // Photos with captions beside them (no caption predictions needed).
  void photos(int n) {
    e2e::TempDir in;
    for (int i = 0; i < n; ++i) {
      const auto name = "p" + std::to_string(10 + i);
      e2e::write_file(in.path() / (name + ".jpg"), e2e::encode_jpeg(e2e::pattern(320, 240, 3, static_cast<unsigned>(i))));
      e2e::write_file(in.path() / (name + ".txt"), "smiling, photo " + std::to_string(i));
    }
    REQUIRE(box.run({"upload", "ada", in.path().string()}).code == 0);
  }
};

}  // namespace

TEST_SUITE("e2e::real answers") {
  TEST_CASE("auto-captions and tags under connection resets: internal model names change nothing, nothing paid twice") {
    e2e::TempDir in;
    for (int i = 0; i < 10; ++i)  // ten different photos, no captions beside them
      e2e::write_file(in.path() / ("p" + std::to_string(i) + ".jpg"),
                      e2e::encode_jpeg(e2e::pattern(i % 2 ? 240 : 320, i % 2 ? 320 : 240, 3, 40u + static_cast<unsigned>(i))));
    const std::vector<std::string> args{"upload", "ada", in.path().string(), "--auto-caption", "--auto-tags", "--json"};
    // What the same upload costs when nothing goes wrong (identical
    // captions share one tags prediction, so it need not be 20).
    Real calm;
    REQUIRE(calm.box.run(args, "", {}, 120).code == 0);
    const long expected = calm.created();
    CHECK(expected >= 15);
    Real s;
    // A third of the creates take effect and their answer is lost (a reset).
    s.cloud.post("/_fake/config", {{"faults", {{{"route", {"POST /v1/predictions", "POST /v1/models/{owner}/{name}/predictions"}},
                                                {"kind", "drop_after"}, {"rst", true}, {"rate", 0.34}}}},
                                   {"seed", 3}});
    auto r = s.box.run(args, "", {}, 120);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(s.stat("faults_injected") >= 3);
    CHECK(s.created() == expected);  // every lost answer was found in the list, none created twice
    auto images = s.box.run({"project", "images", "--json"}).json();
    REQUIRE(images.size() == 10);
    for (const auto& i : images) {
      CHECK(i["caption"].get<std::string>().rfind("TOK_ADA, ", 0) == 0);
      CHECK_FALSE(i["tags"].empty());
    }
    CHECK(s.stat("requests_with_repeated_headers") == 0);
  }

  TEST_CASE("--collect after the retention fails as expired; --retry-expired pays once more") {
    Real s(R"({"prediction_latency_ms":100,"output_ttl_s":1})");
    auto started = s.box.run({"generate", "ada", "a red fox in snow", "--no-wait", "-o", s.out.path().string()});
    REQUIRE_MESSAGE(started.code == 0, started.err);
    std::this_thread::sleep_for(std::chrono::milliseconds(1600));  // done, then removed
    auto late = s.box.run({"generate", "--collect", "g1", "--json"});
    CHECK(late.code == 1);
    CHECK(late.out.find("expired") != std::string::npos);
    CHECK(late.json()["status"] == "failed");
    CHECK(late.json()["files"].empty());
    // Again: still expired, and nothing is created by asking.
    CHECK(s.box.run({"generate", "--collect", "g1"}).code == 1);
    CHECK(s.created() == 1);
    auto paid = s.box.run({"generate", "--collect", "g1", "--retry-expired", "--json"});
    REQUIRE_MESSAGE(paid.code == 0, paid.err);
    CHECK(s.created() == 2);
    const auto doc = paid.json();
    REQUIRE(doc["files"].size() == 1);
    CHECK(fs::exists(doc["files"][0].get<std::string>()));
    // The same prompt run again now costs nothing: it is the new prediction.
    CHECK(s.box.run({"generate", "ada", "a red fox in snow", "-o", s.out.path().string()}).code == 0);
    CHECK(s.created() == 2);
  }

  TEST_CASE("a batch whose outputs expired before download exits 6 until --retry-expired") {
    Real s(R"({"prediction_latency_ms":100,"output_ttl_s":1})");
    const auto batch = s.out.path() / "b.jsonl";
    e2e::write_file(batch, "{\"prompt\":\"a cat\"}\n{\"prompt\":\"a dog\"}\n");
    const auto dir = (s.out.path() / "o").string();
    // Started without waiting, collected only after the retention, with a new line added.
    REQUIRE(s.box.run({"generate", "ada", "--batch", batch.string(), "-o", dir, "--no-wait"}).code == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(1600));
    e2e::write_file(batch, "{\"prompt\":\"a cat\"}\n{\"prompt\":\"a dog\"}\n{\"prompt\":\"a bird\"}\n");
    auto r = s.box.run({"generate", "ada", "--batch", batch.string(), "-o", dir});
    CHECK(r.code == 6);
    CHECK(r.err.find("outputs expired on Replicate") != std::string::npos);
    CHECK(s.created() == 3);
    auto again = s.box.run({"generate", "ada", "--batch", batch.string(), "-o", dir, "--retry-expired"});
    CHECK_MESSAGE(again.code == 0, again.err);
    CHECK(s.created() == 5);
    CHECK(s.box.run({"generate", "ada", "--batch", batch.string(), "-o", dir}).code == 0);
    CHECK(s.created() == 5);
  }

  TEST_CASE("an ambiguous create found only after the retention is 'unknown' and costs nothing until --retry-unknown") {
    Real s(R"({"prediction_latency_ms":100,"output_ttl_s":1})");
    // The create takes effect at once; its answer is held while photoagent is killed.
    s.cloud.post("/_fake/config", {{"faults", {{{"route", "POST /v1/models/{owner}/{name}/predictions"},
                                                {"kind", "hold"}, {"ms", 4000}, {"count", 1}}}}});
    auto killed = s.box.run_and_signal({"generate", "ada", "a lighthouse at dusk", "-o", s.out.path().string()},
                                       SIGKILL, 1500);
    CHECK(killed.code != 0);
    CHECK(s.created() == 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(1600));  // its input is removed by now
    auto r = s.box.run({"generate", "ada", "a lighthouse at dusk", "-o", s.out.path().string()});
    CHECK(r.code == 1);
    CHECK(r.err.find("--retry-unknown") != std::string::npos);
    CHECK(s.created() == 1);
    auto st = s.box.run({"status", "--json", "--offline"});
    REQUIRE((st.code == 0 || st.code == 1 || st.code == 8));
    const auto doc = st.json();
    REQUIRE(doc["predictions"].size() == 1);
    CHECK(doc["predictions"][0]["status"] == "unknown");
    CHECK(doc["predictions"][0]["web_url"].get<std::string>().find("replicate.com") != std::string::npos);
    auto paid = s.box.run({"generate", "ada", "a lighthouse at dusk", "-o", s.out.path().string(), "--retry-unknown"});
    CHECK_MESSAGE(paid.code == 0, paid.err);
    CHECK(s.created() == 2);
  }

  TEST_CASE("outputs of generate never become training photos; they are listed apart with their real size") {
    Real s;
    s.photos(10);
    auto g = s.box.run({"generate", "ada", "on a sailboat", "-n", "3", "-o", s.out.path().string(), "--json"});
    REQUIRE_MESSAGE(g.code == 0, g.err);
    auto plan = s.box.run({"train", "ada", "--dry-run", "--json"});
    REQUIRE_MESSAGE(plan.code == 0, plan.err);
    CHECK(plan.json()["images"] == 10);
    for (const auto& m : plan.json()["zip"]) CHECK(m.dump().find("sailboat") == std::string::npos);
    auto photos = s.box.run({"project", "images", "ada", "--json"}).json();
    CHECK(photos.size() == 10);
    auto outputs = s.box.run({"project", "images", "ada", "--source", "generated", "--json"}).json();
    REQUIRE(outputs.size() == 3);
    for (const auto& o : outputs) {
      CHECK(o["source"] == "generated");
      CHECK(o["width"].get<int>() > 0);
      CHECK(o["height"].get<int>() > 0);
    }
    auto project = s.box.run({"project", "show", "ada", "--json"}).json();
    CHECK(project["images"] == 10);
    CHECK(project["generated"] == 3);
  }

  TEST_CASE("spend includes the run time of sync answers, which carry no metrics") {
    Real s;
    auto g = s.box.run({"generate", "ada", "a studio portrait", "-o", s.out.path().string()});
    REQUIRE_MESSAGE(g.code == 0, g.err);
    // generate learnt the run time after downloading: the offline view has it.
    auto spend = s.box.run({"status", "--spend", "--offline", "--json"});
    REQUIRE_MESSAGE(spend.code == 0, spend.err);
    const auto rows = spend.json();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["predictions"] == 1);
    CHECK(rows[0]["predict_seconds"].get<double>() > 0);
    CHECK(s.stat("requests_with_repeated_headers") == 0);
  }
}
