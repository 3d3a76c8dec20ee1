// train / status: the whole flow against the emulator, crashes and races included.
#include <doctest/doctest.h>

#include <csignal>
#include <set>
#include <thread>

#include "harness.hpp"
#include "helpers.hpp"
#include "pictures.hpp"

using e2e::FakeCloud;
using e2e::Sandbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A logged-in studio with a project of `photos` captioned photos.
struct Studio : e2e::Studio {
  explicit Studio(int photos = 12, const std::vector<std::string>& flags = {"--config-json", R"({"training_duration_ms":700})"})
      : e2e::Studio(flags) {
    create_project();
    login_replicate();
    login_huggingface();
    login_sendgrid();
    upload_photos(photos);
  }
  json stats() { return cloud.stats(); }
  json status(const std::string& target = "") {
    std::vector<std::string> args{"status", "--json"};
    if (!target.empty()) args.insert(args.begin() + 1, target);
    auto r = box.run(args);
    REQUIRE_MESSAGE((r.code == 0 || r.code == 8), r.err);
    return r.json();
  }
  json training(const std::string& id) { return status(id)["trainings"][0]; }
  json outbox() { return cloud.get("/_fake/outbox"); }
  json hub_files() { return cloud.get("/_fake/hf/files?repo=ada-hf/ada-lora"); }
  // Runs status until the training is settled (succeeded, pushed, emailed) or gives up.
  json settle(const std::string& id) {
    for (int i = 0; i < 40; ++i) {
      auto t = training(id);
      if (t["status"] == "succeeded" && t["hf_pushed"] == true && t["notified"] == true) return t;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return training(id);
  }
};

bool has_file(const json& files, const std::string& path) {
  for (const auto& f : files)
    if (f["path"] == path) return true;
  return false;
}

}  // namespace

TEST_SUITE("e2e::train") {
  TEST_CASE("upload -> train --wait: version recorded, LoRA and card on the Hub, exactly one email") {
    Studio s;
    auto r = s.box.run({"train", "ada", "--wait", "--json"}, "", {}, 120);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto t = r.json();
    CHECK(t["status"] == "succeeded");
    CHECK(t["id"] == "t1");
    CHECK(t["version"].get<std::string>().rfind("ada-lab/ada:", 0) == 0);
    CHECK(t["hf_pushed"] == true);
    CHECK(t["notified"] == true);
    CHECK(s.stat("trainings_created") == 1);
    CHECK(s.stat("files_uploaded") == 1);
    CHECK(s.stat("hf_commits") == 1);
    auto files = s.hub_files();
    CHECK(has_file(files, "lora.safetensors"));
    CHECK(has_file(files, "README.md"));
    for (const auto& f : files)
      if (f["path"] == "lora.safetensors") CHECK(f["lfs"] == true);
    auto card = s.cloud.get_text("/_fake/hf/files?repo=ada-hf/ada-lora&path=README.md");
    CHECK(card.find("instance_prompt: TOK_ADA") != std::string::npos);
    CHECK(card.find("load_lora_weights(\"ada-hf/ada-lora\"") != std::string::npos);
    auto mail = s.outbox();
    REQUIRE(mail.size() == 1);
    const auto body = mail[0].dump();
    CHECK(body.find("ada@example.com") != std::string::npos);
    CHECK(body.find("ada-hf/ada-lora") != std::string::npos);
    // The zip the trainer got: flat, photos and captions with the trigger word.
    CHECK(s.status()["trainings"][0]["progress"] == 100.0);
    // Later observers change nothing.
    s.status();
    s.status("t1");
    CHECK(s.outbox().size() == 1);
    CHECK(s.stat("hf_commits") == 1);
  }

  TEST_CASE("train returns at once; the detached watcher pushes and emails") {
    Studio s(12, {"--config-json", R"({"training_duration_ms":1500})"});
    auto r = s.box.run({"train", "ada"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.out == "t1\n");
    CHECK(r.err.find("watcher") != std::string::npos);
    // Only the watcher may act: status --offline asks no service.
    bool done = false;
    for (int i = 0; i < 80 && !done; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      done = s.outbox().size() == 1 && s.stat("hf_commits") == 1;
    }
    CHECK(done);
    auto offline = s.box.run({"status", "--offline", "--json"}).json()["trainings"][0];
    CHECK(offline["status"] == "succeeded");
    CHECK(offline["notified"] == true);
    CHECK(fs::exists(s.box.data_dir() / "logs" / "watch-t1.log"));
  }

  TEST_CASE("under CI no watcher starts, and train says to use --wait") {
    Studio s;
    auto r = s.box.run({"train", "ada"}, "", {{"CI", "true"}});
    REQUIRE(r.code == 0);
    CHECK(r.err.find("--wait") != std::string::npos);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    CHECK(s.outbox().empty());
    CHECK(s.settle("t1")["notified"] == true);  // status completes it
    CHECK(s.outbox().size() == 1);
  }

  TEST_CASE("racing status processes at completion send one email and push once") {
    Studio s;
    REQUIRE(s.box.run({"train", "ada", "--no-watch"}).code == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // the training ends meanwhile
    std::vector<std::thread> racers;
    std::vector<e2e::Result> results(6);
    for (int i = 0; i < 6; ++i) racers.emplace_back([&, i] { results[i] = s.box.run({"status", "--json"}); });
    for (auto& t : racers) t.join();
    for (const auto& r : results) CHECK_MESSAGE(r.code == 0, r.err);
    s.settle("t1");
    CHECK(s.outbox().size() == 1);
    CHECK(s.stat("hf_commits") == 1);
  }

  TEST_CASE("kill -9 of train --wait; status then completes it with one training created") {
    Studio s(12, {"--config-json", R"({"training_duration_ms":3000})"});
    auto killed = s.box.run_and_signal({"train", "ada", "--wait"}, SIGKILL, 1500);
    CHECK(killed.code == 128 + SIGKILL);
    auto t = s.settle("t1");
    CHECK(t["status"] == "succeeded");
    CHECK(t["hf_pushed"] == true);
    CHECK(t["notified"] == true);
    CHECK(s.stat("trainings_created") == 1);
    CHECK(s.outbox().size() == 1);
    // A second train refuses while... nothing runs now, so it would start: --dry-run only.
    CHECK(s.box.run({"train", "ada", "--dry-run"}).code == 0);
    CHECK(s.stat("trainings_created") == 1);
  }

  TEST_CASE("a failed Hugging Face push is recorded, the email waits, and a later status finishes both") {
    Studio s;
    s.cloud.post("/_fake/config", {{"faults", {{{"route", "POST /api/models/ada-hf/ada-lora/commit/main"}, {"kind", "status"},
                                                {"status", 500}, {"count", 20}}}}});
    auto r = s.box.run({"train", "ada", "--wait", "--json"}, "", {}, 120);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto t = r.json();
    CHECK(t["status"] == "succeeded");
    CHECK(t["hf_pushed"] == false);
    CHECK_FALSE(t["hf_error"].is_null());
    CHECK(s.outbox().empty());
    s.cloud.post("/_fake/config", {{"faults", json::array()}});
    auto done = s.settle("t1");
    CHECK(done["hf_pushed"] == true);
    CHECK(s.outbox().size() == 1);
    CHECK(s.stat("hf_commits") == 1);
  }

  TEST_CASE("a weights tar with a ../ entry is refused and writes nothing outside") {
    Studio s(12, {"--config-json", R"({"training_duration_ms":500,"weights_extra_entry":"../../evil.safetensors"})"});
    auto r = s.box.run({"train", "ada", "--wait", "--json"}, "", {}, 120);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto t = r.json();
    CHECK(t["hf_pushed"] == false);
    CHECK(t["hf_error"].get<std::string>().find("..") != std::string::npos);
    CHECK(s.stat("hf_commits") == 0);
    for (const auto& e : fs::recursive_directory_iterator(s.box.home()))
      CHECK_MESSAGE(e.path().filename() != "evil.safetensors", e.path().string());
  }

  TEST_CASE("--dry-run sends nothing; too few photos and a running training are refused") {
    Studio s(12, {"--config-json", R"({"training_duration_ms":5000})"});
    auto dry = s.box.run({"train", "ada", "--dry-run", "--json", "--steps", "500", "--input", "optimizer=prodigy"});
    REQUIRE(dry.code == 0);
    auto plan = dry.json();
    CHECK(plan["input"]["steps"] == 500);
    CHECK(plan["input"]["optimizer"] == "prodigy");
    CHECK(plan["input"]["trigger_word"] == "TOK_ADA");
    CHECK(plan["input"]["autocaption"] == false);  // every photo has a caption
    CHECK(plan["zip"].size() == 24);
    CHECK(plan["estimated_cost_usd"].get<double>() > 0);
    CHECK(s.stat("trainings_created") == 0);
    CHECK(s.stat("files_uploaded") == 0);

    REQUIRE(s.box.run({"project", "create", "bob", "--kind", "person"}).code == 0);
    auto few = s.box.run({"train", "bob"});
    CHECK(few.code == 1);
    CHECK(few.err.find("at least 10") != std::string::npos);

    REQUIRE(s.box.run({"train", "ada", "--no-watch"}).code == 0);
    auto second = s.box.run({"train", "ada", "--no-watch"});
    CHECK(second.code == 1);
    CHECK(second.err.find("--force") != std::string::npos);
    CHECK(s.box.run({"status", "ada", "--exit-status"}).code == 8);
    CHECK(s.box.run({"train", "--cancel", "t1"}).code == 0);
    CHECK(s.training("t1")["status"] == "canceled");
    CHECK(s.box.run({"status", "t1", "--exit-status"}).code == 1);
    CHECK(s.stat("trainings_created") == 1);
  }

  TEST_CASE("errors a user meets: 401, 402, 404, 422, 413, network down, training failed") {
    Studio s;
    auto bad_token = s.box.run({"train", "ada", "--no-watch"}, "", {{"REPLICATE_API_TOKEN", "r8_revoked"}});
    CHECK(bad_token.code == 4);
    CHECK(bad_token.err.find("login --replicate") != std::string::npos);

    s.cloud.post("/_fake/config", {{"billing_ok", false}});
    auto billing = s.box.run({"train", "ada", "--no-watch"});
    CHECK(billing.code == 5);
    CHECK(billing.err.find("credit") != std::string::npos);
    s.cloud.post("/_fake/config", {{"billing_ok", true}});

    REQUIRE(s.box.run({"config", "set", "trainers",
                       R"({"ghost":{"model":"nobody/no-such-trainer","inputs":{"trigger":"trigger_word"}}})"}).code == 0);
    auto no_trainer = s.box.run({"train", "ada", "--trainer", "ghost", "--no-watch"});
    CHECK(no_trainer.code == 3);
    CHECK(no_trainer.err.find("nobody/no-such-trainer") != std::string::npos);
    REQUIRE(s.box.run({"config", "unset", "trainers"}).code == 0);

    auto invalid = s.box.run({"train", "ada", "--no-watch", "--force", "--input", "no_such_input=1"});
    CHECK(invalid.code == 1);
    CHECK(invalid.err.find("no_such_input") != std::string::npos);

    s.cloud.post("/_fake/config", {{"max_file_bytes", 1000}});
    auto too_big = s.box.run({"train", "ada", "--no-watch", "--force"});
    CHECK(too_big.code == 1);
    CHECK(too_big.err.find("--max-side") != std::string::npos);
    s.cloud.post("/_fake/config", {{"max_file_bytes", 104857600}});

    auto down = s.box.run({"train", "ada", "--no-watch", "--force"}, "",
                          {{"REPLICATE_API_BASE_URL", "http://127.0.0.1:9/v1"}, {"PHOTOAGENT_RETRIES", "0"}});
    CHECK(down.code == 5);
    CHECK(down.err.find("cannot reach Replicate") != std::string::npos);

    REQUIRE(s.box.run({"project", "create", "fails", "--kind", "person", "--trigger", "TOK_FAIL"}).code == 0);
    REQUIRE(s.box.run({"upload", "fails", s.in.path().string()}).code == 0);
    auto failed = s.box.run({"train", "fails", "--wait"}, "", {}, 120);
    CHECK(failed.code == 1);
    CHECK(failed.err.find("failed") != std::string::npos);
    CHECK(failed.err.find("last log lines") != std::string::npos);
  }
}
