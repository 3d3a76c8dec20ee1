// Privacy: the training zip leaves Replicate when the training ends,
// `project delete --remote` deletes the model and the Hugging Face repo,
// data and config folders are private; and the train spend caps.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <chrono>
#include <thread>

#include "harness.hpp"
#include "helpers.hpp"
#include "pictures.hpp"

using e2e::FakeCloud;
using e2e::Sandbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Studio : e2e::Studio {
  explicit Studio(const std::string& config = R"({"training_duration_ms":700})")
      : e2e::Studio({"--config-json", config}) {
    create_project();
    login_replicate();
    login_huggingface();
    upload_photos(12);
  }
  // What the real API answers, with a token: status code and body.
  std::pair<int, json> api(const std::string& method, const std::string& path, const std::string& token = "r8_good") {
    auto r = e2e::run_process({"/usr/bin/curl", "-sS", "--max-time", "20", "-X", method, "-H", "Authorization: Bearer " + token,
                               "-w", "\n%{http_code}", cloud.origin() + path},
                              {{"PATH", "/usr/bin:/bin"}});
    REQUIRE(r.code == 0);
    const auto nl = r.out.rfind('\n');
    return {std::stoi(r.out.substr(nl + 1)), json::parse(r.out.substr(0, nl), nullptr, false)};
  }
  std::size_t files_online() { return api("GET", "/v1/files").second["results"].size(); }
};

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

}  // namespace

TEST_SUITE("e2e::privacy") {
  TEST_CASE("the training zip is deleted from the Files API when the training ends; --keep-upload keeps it") {
    Studio s;
    auto r = s.box.run({"train", "ada", "--wait", "--json"}, "", {}, 120);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.json()["upload"] == "deleted");
    CHECK(s.stat("files_uploaded") == 1);
    CHECK(s.files_online() == 0);  // the emulator holds no file: DELETE answered 204, GET now 404
    // Nothing asks again: status settles without another delete.
    CHECK(s.box.run({"status", "--exit-status"}).code == 0);

    auto kept = s.box.run({"train", "ada", "--wait", "--json", "--keep-upload"}, "", {}, 120);
    REQUIRE_MESSAGE(kept.code == 0, kept.err);
    CHECK(kept.json()["upload"] == "kept");
    REQUIRE(s.files_online() == 1);
    const auto id = s.api("GET", "/v1/files").second["results"][0]["id"].get<std::string>();
    CHECK(s.api("GET", "/v1/files/" + id).first == 200);
  }

  TEST_CASE("a failed delete warns once and the next status deletes it") {
    Studio s;
    s.cloud.post("/_fake/config", {{"faults", {{{"route", "DELETE /v1/files/{id}"}, {"kind", "status"}, {"status", 500}, {"count", 20}}}}});
    // One retry of each 500, so the test does not wait out the default backoff.
    const std::map<std::string, std::string> one_retry{{"PHOTOAGENT_RETRIES", "1"}};
    auto r = s.box.run({"train", "ada", "--wait", "--json"}, "", one_retry, 120);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.json()["upload"] == "pending");
    CHECK(r.err.find("could not delete the training zip") != std::string::npos);
    CHECK(s.files_online() == 1);
    // Still failing: tried again, not said again.
    auto again = s.box.run({"status", "t1", "--json"}, "", one_retry);
    REQUIRE_MESSAGE(again.code == 0, again.err);
    CHECK(again.json()["trainings"][0]["upload"] == "pending");
    CHECK(again.err.find("could not delete") == std::string::npos);
    s.cloud.post("/_fake/config", {{"faults", json::array()}});
    auto st = s.box.run({"status", "t1", "--json"});
    REQUIRE_MESSAGE(st.code == 0, st.err);
    CHECK(st.json()["trainings"][0]["upload"] == "deleted");
    CHECK(st.json()["trainings"][0]["upload_error"].is_null());
    CHECK(s.files_online() == 0);
    CHECK(s.stat("files_deleted") == 1);
    // Settled: a later status asks nothing more of the Files API.
    const auto deletes = s.cloud.stats()["requests_by_route"].value("DELETE /v1/files/{id}", 0);
    CHECK(s.box.run({"status", "--exit-status"}).code == 0);
    CHECK(s.cloud.stats()["requests_by_route"].value("DELETE /v1/files/{id}", 0) == deletes);
  }

  TEST_CASE("a canceled training's zip goes too") {
    Studio s(R"({"training_duration_ms":20000})");
    REQUIRE(s.box.run({"train", "ada", "--no-watch"}).code == 0);
    CHECK(s.files_online() == 1);
    REQUIRE(s.box.run({"train", "--cancel", "t1"}).code == 0);
    auto st = s.box.run({"status", "t1", "--json"});
    CHECK(st.json()["trainings"][0]["status"] == "canceled");
    CHECK(st.json()["trainings"][0]["upload"] == "deleted");
    CHECK(s.files_online() == 0);
  }

  TEST_CASE("project delete --remote deletes the Replicate model (versions first) and the Hugging Face repo") {
    Studio s;
    REQUIRE(s.box.run({"train", "ada", "--wait"}, "", {}, 120).code == 0);
    REQUIRE(s.api("GET", "/v1/models/ada-lab/ada").first == 200);
    REQUIRE(s.api("GET", "/v1/models/ada-lab/ada/versions").second["results"].size() == 1);
    // The emulator refuses a model with versions, as Replicate does.
    CHECK(s.api("DELETE", "/v1/models/ada-lab/ada").first == 409);
    REQUIRE(s.api("GET", "/api/models/ada-hf/ada-lora", "hf_good").first == 200);

    // Scripts must say --yes; nothing is deleted without it.
    auto refused = s.box.run({"project", "delete", "ada", "--remote"});
    CHECK(refused.code == 2);
    CHECK(refused.err.find("--yes") != std::string::npos);
    CHECK(s.api("GET", "/v1/models/ada-lab/ada").first == 200);

    auto r = s.box.run({"project", "delete", "ada", "--remote", "--yes", "--json"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    const auto out = r.json();
    CHECK(out["remote"]["versions_deleted"] == 1);
    CHECK(out["remote"]["deleted"].dump().find("replicate:ada-lab/ada") != std::string::npos);
    CHECK(out["remote"]["deleted"].dump().find("huggingface:ada-hf/ada-lora") != std::string::npos);
    CHECK(s.api("GET", "/v1/models/ada-lab/ada").first == 404);
    CHECK(s.api("GET", "/api/models/ada-hf/ada-lora", "hf_good").first != 200);
    CHECK(s.cloud.get("/_fake/hf/repos").empty());
    CHECK(s.box.run({"project", "show", "ada"}).code == 3);
  }

  TEST_CASE("data and config folders are 0700, and tightened when looser") {
    Studio s;
    CHECK(mode_of(s.box.data_dir()) == 0700);
    CHECK(mode_of(s.box.config_dir()) == 0700);
    fs::permissions(s.box.data_dir(), fs::perms(0755), fs::perm_options::replace);
    fs::permissions(s.box.config_dir(), fs::perms(0775), fs::perm_options::replace);
    REQUIRE(s.box.run({"project", "list"}).code == 0);
    CHECK(mode_of(s.box.data_dir()) == 0700);
    CHECK(mode_of(s.box.config_dir()) == 0700);
  }

  TEST_CASE("train caps: an estimate over --max-cost or --max-predictions 0 exits 2 and starts nothing") {
    Studio s;
    auto dear = s.box.run({"train", "ada", "--max-cost", "0.01"});
    CHECK(dear.code == 2);
    CHECK_MESSAGE(dear.err.find("this training is estimated at $") != std::string::npos, dear.err);
    auto none = s.box.run({"train", "ada", "--max-predictions", "0"});
    CHECK(none.code == 2);
    CHECK(none.err.find("--max-predictions 0") != std::string::npos);
    REQUIRE(s.box.run({"config", "set", "train.max_cost", "0.5"}).code == 0);
    CHECK(s.box.run({"train", "ada", "--dry-run"}).code == 2);  // the default applies to dry runs too
    CHECK(s.stat("trainings_created") == 0);
    CHECK(s.stat("files_uploaded") == 0);
    auto ok = s.box.run({"train", "ada", "--wait", "--max-cost", "100", "--max-predictions", "1"}, "", {}, 120);
    CHECK_MESSAGE(ok.code == 0, ok.err);
    CHECK(s.stat("trainings_created") == 1);
  }
}

TEST_SUITE("e2e::privacy") {
  TEST_CASE("project delete --remote on a terminal asks for the typed project name") {
    if (!fs::exists("/usr/bin/script")) return;  // util-linux script gives the child a terminal
    Studio s;
    REQUIRE(s.box.run({"train", "ada", "--wait"}, "", {}, 120).code == 0);
    const std::string bin = PHOTOAGENT_BIN;
    auto under_tty = [&](const std::string& typed) {
      std::map<std::string, std::string> env = s.box.env;
      env["PATH"] = "/usr/bin:/bin";
      return e2e::run_process({"/usr/bin/script", "-qec", bin + " project delete ada --remote", "/dev/null"}, env,
                              typed + "\n", 60);
    };
    auto wrong = under_tty("ad");
    CHECK(wrong.code == 1);
    CHECK(wrong.out.find("Type the project name to confirm") != std::string::npos);
    CHECK(wrong.out.find("Replicate model ada-lab/ada (every version)") != std::string::npos);
    CHECK(wrong.out.find("Hugging Face repo ada-hf/ada-lora") != std::string::npos);
    CHECK(s.api("GET", "/v1/models/ada-lab/ada").first == 200);
    CHECK(s.box.run({"project", "show", "ada"}).code == 0);
    auto right = under_tty("ada");
    CHECK_MESSAGE(right.code == 0, right.out);
    CHECK(s.api("GET", "/v1/models/ada-lab/ada").first == 404);
    CHECK(s.cloud.get("/_fake/hf/repos").empty());
    CHECK(s.box.run({"project", "show", "ada"}).code == 3);
  }
}

TEST_SUITE("e2e::privacy") {
  TEST_CASE("without --wait, push or email, the watcher still deletes the training zip") {
    Studio s(R"({"training_duration_ms":1500})");
    REQUIRE(s.box.run({"project", "create", "bob", "--kind", "person"}).code == 0);  // no Hugging Face repo
    REQUIRE(s.box.run({"upload", "bob", s.in.path().string()}).code == 0);
    auto r = s.box.run({"train", "bob"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.err.find("watcher") != std::string::npos);
    CHECK(s.files_online() == 1);
    bool gone = false;
    for (int i = 0; i < 80 && !gone; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      gone = s.files_online() == 0;
    }
    CHECK(gone);
    // Only the watcher acted: the cache knows it without asking anyone.
    CHECK(s.box.run({"status", "--offline", "--json"}).json()["trainings"][0]["upload"] == "deleted");
  }
}
