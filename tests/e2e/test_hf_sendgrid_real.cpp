// Hugging Face and SendGrid as they really answer (issue 9): one Accept on
// the LFS batch call, fine-grained HF tokens without repo.write, the legacy
// HUGGING_FACE_HUB_TOKEN, hf-inference serving only the models deployed
// there, and SendGrid refusing an unverified sender.
#include <doctest/doctest.h>

#include <fstream>
#include <thread>

#include "harness.hpp"
#include "helpers.hpp"
#include "pictures.hpp"

using e2e::FakeCloud;
using e2e::Sandbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

long stat_of(const json& stats, const char* key) { return stats.value(key, json(0)).get<long>(); }

long route_hits(const json& stats, const std::string& route) {
  return stats["requests_by_route"].value(route, json(0)).get<long>();
}

// A project with 12 captioned photos, pushing to ada-hf/ada-lora, logged in
// to Replicate and (with `hf_token`) Hugging Face.
struct Studio : e2e::Studio {
  explicit Studio(const std::string& config) : e2e::Studio({"--config-json", config}) {
    create_project();
    login_replicate();
    upload_photos(12);
  }
  json training() {
    auto r = box.run({"status", "t1", "--json"});
    REQUIRE_MESSAGE((r.code == 0 || r.code == 8), r.err);
    return r.json()["trainings"][0];
  }
};

json scope(const char* type, const char* name, std::vector<std::string> permissions) {
  return {{"entity", {{"type", type}, {"name", name}}}, {"permissions", permissions}};
}

}  // namespace

TEST_SUITE("e2e::hf_sendgrid_real") {
  TEST_CASE("a push sends one Accept on the LFS batch call (the emulator answers 406 to two)") {
    Studio s(R"({"training_duration_ms":500})");
    REQUIRE(s.box.run({"login", "--huggingface", "--with-token"}, "hf_good").code == 0);
    auto r = s.box.run({"train", "ada", "--wait", "--json"}, "", {}, 120);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.json()["hf_pushed"] == true);
    auto stats = s.cloud.stats();
    CHECK(route_hits(stats, "POST /{ns}/{name}.git/info/lfs/objects/batch") == 1);
    CHECK(stat_of(stats, "hf_lfs_not_acceptable") == 0);
    CHECK(stat_of(stats, "hf_lfs_uploads") == 1);
    CHECK(s.cloud.get("/_fake/hf/repos")[0]["private"] == true);  // from `visibility` alone
  }

  TEST_CASE("a fine-grained HF token without repo.write: warned at login, refused before any upload, pushed once fixed") {
    const json grants = json::array({scope("user", "ada-hf", {"repo.content.read", "inference.serverless.write"}),
                                     scope("org", "acme", {"repo.content.read", "repo.write"})});
    Studio s(json{{"training_duration_ms", 500}, {"hf_orgs", {"acme"}}, {"hf_token_role", "fineGrained"},
                  {"hf_token_scoped", grants}}
                 .dump());
    auto login = s.box.run({"login", "--huggingface", "--with-token", "--json"}, "hf_good");
    REQUIRE_MESSAGE(login.code == 0, login.err);
    CHECK(login.err.find("cannot write to ada-hf") != std::string::npos);
    CHECK(login.err.find("it can write to acme only") != std::string::npos);
    CHECK(login.json()["detail"] == "fine-grained token, writes to acme");

    auto r = s.box.run({"train", "ada", "--wait", "--json"}, "", {}, 120);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto t = r.json();
    CHECK(t["status"] == "succeeded");
    CHECK(t["hf_pushed"] == false);
    const std::string why = t["hf_error"].get<std::string>();
    CHECK(why.find("cannot write to ada-hf (it has repo.write on acme only)") != std::string::npos);
    auto stats = s.cloud.stats();
    CHECK(route_hits(stats, "POST /api/repos/create") == 0);
    CHECK(route_hits(stats, "POST /api/models/{ns}/{name}/preupload/{rev*}") == 0);
    CHECK(stat_of(stats, "hf_lfs_uploads") == 0);
    CHECK(stat_of(stats, "hf_commits") == 0);

    // The user grants repo.write on their namespace; the next status pushes.
    s.cloud.post("/_fake/config", {{"hf_token_scoped", json::array({scope("user", "ada-hf", {"repo.write"})})}});
    json done;
    for (int i = 0; i < 40 && !(done = s.training())["hf_pushed"].get<bool>(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    CHECK(done["hf_pushed"] == true);
    CHECK(stat_of(s.cloud.stats(), "hf_commits") == 1);
  }

  TEST_CASE("a fine-grained HF token with no repo.write at all is named as such at login") {
    FakeCloud cloud({"--config-json", json{{"hf_token_role", "fineGrained"},
                                           {"hf_token_scoped", json::array({scope("user", "ada-hf", {"repo.content.read"})})}}
                                          .dump()});
    Sandbox box(cloud);
    auto r = box.run({"login", "--huggingface", "--with-token"}, "hf_good");
    CHECK(r.code == 0);  // the token works; it just cannot push
    CHECK(r.err.find("no repo.write permission") != std::string::npos);
    CHECK(r.err.find("'repo.write' on ada-hf") != std::string::npos);
  }

  TEST_CASE("HUGGING_FACE_HUB_TOKEN is read after HF_TOKEN, and login says which one is in the way") {
    FakeCloud cloud;
    Sandbox box(cloud);
    auto legacy = box.run({"login", "--status", "--json"}, "", {{"HUGGING_FACE_HUB_TOKEN", "hf_good"}});
    auto row = legacy.json()[1];
    CHECK(row["source"] == "env");
    CHECK(row["location"] == "HUGGING_FACE_HUB_TOKEN");
    CHECK(row["valid"] == true);
    CHECK(row["account"] == "ada-hf");
    auto both = box.run({"login", "--status", "--json"}, "", {{"HF_TOKEN", "hf_wrong"}, {"HUGGING_FACE_HUB_TOKEN", "hf_good"}});
    CHECK(both.json()[1]["location"] == "HF_TOKEN");
    CHECK(both.json()[1]["valid"] == false);
    auto refused = box.run({"login", "--huggingface", "--with-token"}, "hf_good", {{"HUGGING_FACE_HUB_TOKEN", "hf_good"}});
    CHECK(refused.code == 1);
    CHECK(refused.err.find("HUGGING_FACE_HUB_TOKEN is set") != std::string::npos);
  }

  TEST_CASE("--provider huggingface runs only models deployed on hf-inference, and names who serves the others") {
    FakeCloud cloud;
    Sandbox box(cloud);
    e2e::TempDir out;
    REQUIRE(box.run({"login", "--huggingface", "--with-token"}, "hf_good").code == 0);
    const std::string flux = "black-forest-labs/FLUX.1-schnell";
    auto r = box.run({"generate", "--provider", "huggingface", "--model", flux, "a lighthouse", "-o", out.path().string()});
    CHECK(r.code == 2);
    CHECK(r.err.find("not deployed on hf-inference") != std::string::npos);
    CHECK(r.err.find("served by fal-ai, replicate, together") != std::string::npos);
    CHECK(r.err.find("--model black-forest-labs/flux-schnell") != std::string::npos);  // Replicate's name for it
    CHECK(box.run({"generate", "--provider", "huggingface", "--model", flux, "x", "--dry-run"}).code == 2);

    // A batch naming it on every line asks the Hub once, and nothing runs.
    auto batch = out.path() / "b.jsonl";
    std::ofstream(batch) << R"({"prompt":"one"})" << "\n" << R"({"prompt":"two"})" << "\n" << R"({"prompt":"three"})" << "\n";
    auto b = box.run({"generate", "--provider", "huggingface", "--model", flux, "--batch", batch.string(), "-o",
                      out.path().string()});
    CHECK(b.code == 1);  // every line failed
    CHECK(b.err.find("b.jsonl:3: black-forest-labs/FLUX.1-schnell is not deployed on hf-inference") != std::string::npos);
    auto stats = cloud.stats();
    CHECK(route_hits(stats, "GET /api/models/{ns}/{name}") == 3);  // once per command: two singles, one batch
    CHECK(route_hits(stats, "POST /hf-inference/models/{ns}/{name}") == 0);

    auto ok = box.run({"generate", "--provider", "huggingface", "--model", "stabilityai/stable-diffusion-3-medium-diffusers",
                       "a lighthouse", "-o", out.path().string(), "--json"});
    REQUIRE_MESSAGE(ok.code == 0, ok.err);
    CHECK(stat_of(cloud.stats(), "hf_images_generated") == 1);

    // The answer follows the Hub's mapping: once hf-inference serves FLUX, it runs.
    cloud.post("/_fake/config", {{"hf_inference_models", {flux}}});
    auto now = box.run({"generate", "--provider", "huggingface", "--model", flux, "a lighthouse", "-o", out.path().string()});
    CHECK_MESSAGE(now.code == 0, now.err);
    CHECK(stat_of(cloud.stats(), "hf_images_generated") == 2);
  }

  TEST_CASE("SendGrid: an unverified sender is refused at login with 'verify the sender'; sandbox sends deliver nothing") {
    FakeCloud cloud;
    Sandbox box(cloud);
    for (const char* key : {"SG.good", "SG.sendonly"}) {
      auto r = box.run({"login", "--sendgrid", "--with-token", "--from", "nobody@example.org"}, key);
      CHECK(r.code == 4);
      CHECK(r.err.find("nobody@example.org") != std::string::npos);
      CHECK(r.err.find("verified Sender Identity") != std::string::npos);
      CHECK(r.err.find("Verify the sender") != std::string::npos);
      CHECK(r.err.find("lacks a permission") == std::string::npos);
    }
    CHECK_FALSE(fs::exists(box.config_dir() / "credentials.json"));
    CHECK(stat_of(cloud.stats(), "emails_refused_sender") == 2);

    // Verifying the domain (an authenticated domain) is enough.
    cloud.post("/_fake/config", {{"sendgrid_verified_senders", {"@example.org"}}});
    auto ok = box.run({"login", "--sendgrid", "--with-token", "--from", "nobody@example.org", "--json"}, "SG.good");
    REQUIRE_MESSAGE(ok.code == 0, ok.err);
    CHECK(ok.json()["detail"].get<std::string>().find("sender nobody@example.org checked by a sandbox send") !=
          std::string::npos);
    auto stats = cloud.stats();
    CHECK(stat_of(stats, "emails_sandboxed") == 1);
    CHECK(stat_of(stats, "emails_sent") == 0);
    CHECK(cloud.get("/_fake/outbox").empty());
  }
}
