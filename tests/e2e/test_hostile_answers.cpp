// Hostile answers (issue 13): the emulator's body faults (`patch`, `deep`,
// and `status` with a chosen body; tests/fakecloud/README.md) make the
// services answer wrong types, 100,000-deep outputs, 50 kB log lines,
// terminal escape sequences and the token itself. photoagent must give one
// clear line (or fail the one item), never crash, never print the escapes or
// the token, never pay twice, and escape what it puts in the email.
#include <doctest/doctest.h>

#include <fstream>
#include <thread>

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

// A crash shows as 128 + signal (harness); internal errors as their own text.
void check_no_crash(const e2e::Result& r) {
  CHECK_MESSAGE(r.code < 128, "exit " << r.code << "\n" << r.err);
  CHECK_MESSAGE(!has(r.err, "internal error"), r.err);
}

void set_faults(const FakeCloud& cloud, const json& faults) { cloud.post("/_fake/config", {{"faults", faults}}); }

// A logged-in studio with a project of captioned photos, as in test_train.cpp.
struct Studio : e2e::Studio {
  Studio() : e2e::Studio({"--config-json", R"({"training_duration_ms":700,"prediction_latency_ms":100})"}) {}
  void login_all() const {
    login_replicate();
    login_huggingface();
    login_sendgrid();
  }
  void project(int photos = 10) const {
    create_project();
    upload_photos(photos);
  }
};

std::size_t pngs_in(const fs::path& dir) {
  std::size_t n = 0;
  if (fs::exists(dir))
    for (const auto& e : fs::directory_iterator(dir)) n += e.path().extension() == ".png";
  return n;
}

}  // namespace

TEST_SUITE("e2e::hostile_answers") {
  TEST_CASE("a prediction output nested 100,000 deep fails that item with a clear error; the batch goes on, nothing paid twice") {
    Studio s;
    REQUIRE(s.box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    // The model of one prompt answers a 100,000-deep output everywhere it is read.
    set_faults(s.cloud, {{{"route", {std::string("POST /v1/models/") + kFlux + "/predictions", "GET /v1/predictions/*",
                                     "GET /v1/predictions"}},
                          {"kind", "deep"}, {"depth", 100000}, {"if_contains", "DEEPMODEL"}}});
    const auto batch = s.in.path() / "prompts.jsonl";
    std::ofstream(batch) << R"({"prompt":"a lighthouse"})" "\n" R"({"prompt":"DEEPMODEL a fox"})" "\n"
                         << R"({"prompt":"a heron"})" "\n";
    const auto dir = s.in.path() / "out";
    auto r = s.box.run({"generate", "--model", kFlux, "--batch", batch.string(), "-o", dir.string()}, "", {}, 120);
    check_no_crash(r);
    CHECK_MESSAGE(r.code == 6, r.err);  // partial: one item failed
    CHECK_MESSAGE(has(r.err, "failed DEEPMODEL a fox: the model answered an output nested deeper than 64 levels"), r.err);
    CHECK_FALSE(has(r.err, "could not confirm"));  // read and failed, not lost
    CHECK(pngs_in(dir) == 2);
    CHECK(s.stat("predictions_created") == 3);
    CHECK(s.cloud.stats()["faults_injected"].get<long>() >= 1);
  }

  TEST_CASE("training logs with 5%| then 50 kB without another | and escape sequences: train --wait and status work") {
    Studio s;
    s.login_all();
    s.project();
    const std::string logs = "\x1b]0;pwned\x07\x1b[2Jflux_train_replicate:   5%|" + std::string(50000, '#') + "\x1b[31m";
    set_faults(s.cloud, {{{"route", "GET /v1/trainings/{id}"}, {"kind", "patch"}, {"patch", {{"logs", logs}}}}});
    auto r = s.box.run({"train", "ada", "--wait"}, "", {}, 120);
    check_no_crash(r);
    CHECK_MESSAGE(r.code == 0, r.err);
    auto st = s.box.run({"status", "t1", "--logs"});
    check_no_crash(st);
    CHECK_MESSAGE(st.code == 0, st.err);
    CHECK(has(st.out, "5%|####"));
    CHECK_FALSE(has(st.out + st.err, "\x1b"));  // no OSC retitle, no clear screen
    CHECK_FALSE(has(st.out, "pwned"));
    auto plain = s.box.run({"status"});
    check_no_crash(plain);
    CHECK(s.stat("trainings_created") == 1);
  }

  TEST_CASE("the detached watcher survives the same log on every refresh, and pushes and emails") {
    Studio s;
    s.login_all();
    s.project();
    const std::string logs = "flux_train_replicate:   5%|" + std::string(50000, '#') + "\x1b]0;pwned\x07";
    set_faults(s.cloud, {{{"route", "GET /v1/trainings/{id}"}, {"kind", "patch"}, {"patch", {{"logs", logs}}}}});
    auto r = s.box.run({"train", "ada"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    bool done = false;
    for (int i = 0; i < 80 && !done; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      done = s.cloud.get("/_fake/outbox").size() == 1 && s.stat("hf_commits") == 1;
    }
    CHECK(done);
    const auto log = e2e::read_file(s.box.data_dir() / "logs" / "watch-t1.log");
    CHECK_FALSE(has(log, "internal error"));
    CHECK_FALSE(has(log, "\x1b"));
    CHECK(s.cloud.stats()["faults_injected"].get<long>() >= 1);
  }

  TEST_CASE("API JSON with wrong types: one line naming the service and the field, exit 5") {
    Studio s;
    set_faults(s.cloud, {{{"route", "GET /v1/account"}, {"kind", "patch"}, {"patch", {{"type", 5}}}},
                         {{"route", "GET /api/whoami-v2"}, {"kind", "patch"}, {"patch", {{"name", 42}}}}});
    auto a = s.box.run({"login", "--replicate", "--with-token"}, "r8_good");
    check_no_crash(a);
    CHECK(a.code == 5);
    CHECK_MESSAGE(has(a.err, "Replicate answered /account with an unexpected shape: `type` is a number, expected a string"), a.err);
    auto w = s.box.run({"login", "--huggingface", "--with-token"}, "hf_good");
    check_no_crash(w);
    CHECK(w.code == 5);
    CHECK_MESSAGE(has(w.err, "Hugging Face answered whoami with an unexpected shape: `name` is a number"), w.err);

    set_faults(s.cloud, json::array());
    s.login_all();
    s.project();
    // models: the destination's answer; files: the zip upload's answer (after the upload).
    set_faults(s.cloud, {{{"route", "POST /v1/files"}, {"kind", "patch"}, {"patch", {{"urls", {{"get", 5}}}}}}});
    auto t = s.box.run({"train", "ada"}, "", {}, 120);
    check_no_crash(t);
    CHECK(t.code == 5);
    CHECK_MESSAGE(has(t.err, "`urls.get` is a number, expected a string"), t.err);
    CHECK(s.stat("trainings_created") == 0);

    set_faults(s.cloud, {{{"route", "GET /v1/models/{owner}/{name}"}, {"kind", "patch"}, {"patch", {{"name", 7}}}}});
    auto m = s.box.run({"generate", "--model", "stability-ai/sdxl", "a fox", "-o", (s.in.path() / "m").string()});
    check_no_crash(m);
    CHECK_MESSAGE(m.code == 1, m.err);  // the one item failed
    CHECK_MESSAGE(has(m.err, "`name` is a number"), m.err);
    CHECK(s.stat("predictions_created") == 0);
  }

  TEST_CASE("an error body with escape sequences that echoes the token: login --status shows neither") {
    Studio s;
    s.login_all();
    const std::string body = R"({"detail":"Invalid token r8_good \u001b]0;pwned\u0007\u001b[31mred\u001b[0m","status":401})";
    set_faults(s.cloud, {{{"route", "GET /v1/account"}, {"kind", "status"}, {"status", 401},
                          {"body", json::parse(body)}}});
    auto r = s.box.run({"login", "--status"});
    check_no_crash(r);
    CHECK(r.code == 4);
    CHECK_MESSAGE(has(r.out, "r8_****"), r.out);
    CHECK_FALSE(has(r.out + r.err, "r8_good"));
    CHECK_FALSE(has(r.out + r.err, "\x1b"));
    CHECK(has(r.out, "Invalid token"));
    auto j = s.box.run({"login", "--status", "--json"});
    CHECK_FALSE(has(j.out + j.err, "r8_good"));
    CHECK(has(j.json()[0]["error"].get<std::string>(), "Invalid token r8_**** red"));
    // Any command that fails on it: the error line is as clean.
    auto g = s.box.run({"login", "--replicate", "--with-token"}, "r8_good");
    CHECK(g.code == 4);
    CHECK_MESSAGE(has(g.err, "Invalid token r8_**** red"), g.err);
    CHECK_FALSE(has(g.out + g.err, "r8_good"));
    CHECK_FALSE(has(g.out + g.err, "\x1b"));
  }

  TEST_CASE("a version with HTML in it reaches the email escaped") {
    Studio s;
    s.login_all();
    s.project();
    set_faults(s.cloud, {{{"route", "GET /v1/trainings/{id}"}, {"kind", "patch"}, {"if_contains", "succeeded"},
                          {"patch", {{"output", {{"version", "ada-lab/ada:<img src=x onerror=alert(1)>"}}}}}}});
    auto r = s.box.run({"train", "ada", "--wait"}, "", {}, 120);
    check_no_crash(r);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto mail = s.cloud.get("/_fake/outbox");
    REQUIRE(mail.size() == 1);
    const std::string body = mail[0]["body"].dump();
    CHECK_MESSAGE(has(body, "ada-lab/ada:&lt;img src=x onerror=alert(1)&gt;"), body);
    CHECK_FALSE(has(body, "<code>ada-lab/ada:<img"));
    auto card = s.cloud.get_text("/_fake/hf/files?repo=ada-hf/ada-lora&path=README.md");
    CHECK(has(card, "Replicate version: `ada-lab/ada:<img src=x onerror=alert(1)>`"));
  }
}
