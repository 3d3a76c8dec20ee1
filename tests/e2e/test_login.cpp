// login / logout through the real binary against the emulator.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>

#include "harness.hpp"

using e2e::FakeCloud;
using e2e::Sandbox;

namespace {
std::string read(const std::filesystem::path& p) {
  std::ifstream f(p);
  return {std::istreambuf_iterator<char>(f), {}};
}
unsigned mode_of(const std::filesystem::path& p) {
  struct stat st {};
  REQUIRE(stat(p.c_str(), &st) == 0);
  return st.st_mode & 0777;
}
}  // namespace

TEST_SUITE("e2e::login") {
  TEST_CASE("each service: a good token is verified and stored 0600, a bad one exits 4 and stores nothing") {
    FakeCloud cloud;
    Sandbox box(cloud);
    auto creds = box.config_dir() / "credentials.json";

    auto bad = box.run({"login", "--replicate", "--with-token"}, "r8_wrong");
    CHECK(bad.code == 4);
    CHECK(bad.err.find("photoagent login --replicate") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(creds));
    CHECK(box.run({"login", "--huggingface", "--with-token"}, "hf_wrong").code == 4);
    CHECK(box.run({"login", "--sendgrid", "--with-token", "--from", "me@example.com"}, "SG.wrong").code == 4);
    CHECK_FALSE(std::filesystem::exists(creds));

    auto r = box.run({"login", "--replicate", "--with-token", "--json"}, "r8_good\n");
    REQUIRE(r.code == 0);
    CHECK(r.json()["account"] == "ada-lab");
    auto h = box.run({"login", "--huggingface", "--with-token", "--json"}, "hf_good");
    REQUIRE(h.code == 0);
    CHECK(h.json()["account"] == "ada-hf");
    auto s = box.run({"login", "--sendgrid", "--with-token", "--from", "me@example.com", "--to", "you@example.com"},
                     "SG.good");
    REQUIRE(s.code == 0);
    CHECK(mode_of(creds) == 0600);
    const auto text = read(creds);
    for (const char* secret : {"r8_good", "hf_good", "SG.good"}) CHECK(text.find(secret) != std::string::npos);
    // A failed re-login keeps the old token.
    CHECK(box.run({"login", "--replicate", "--with-token"}, "r8_wrong").code == 4);
    CHECK(read(creds).find("r8_good") != std::string::npos);

    auto st = box.run({"login", "--status", "--json"});
    REQUIRE(st.code == 0);
    auto rows = st.json();
    REQUIRE(rows.size() == 3);
    for (const auto& row : rows) {
      CHECK(row["configured"] == true);
      CHECK(row["valid"] == true);
      CHECK(row["source"] == "file");
      CHECK(row["token"].get<std::string>().find("good") == std::string::npos);  // masked
    }
    CHECK(rows[0]["account"] == "ada-lab");
    CHECK(st.out.find("r8_good") == std::string::npos);
    // No emails were sent by logging in.
    CHECK(cloud.stats()["emails_sent"] == 0);
  }

  TEST_CASE("a send-only SendGrid key is verified with a sandbox send, which delivers nothing") {
    FakeCloud cloud;
    Sandbox box(cloud);
    auto r = box.run({"login", "--sendgrid", "--with-token", "--from", "me@example.com"}, "SG.sendonly");
    CHECK(r.code == 0);
    CHECK(cloud.stats()["emails_sent"] == 0);
    CHECK(cloud.get("/_fake/outbox").empty());
  }

  TEST_CASE("environment tokens win over stored ones, and login refuses to store under them") {
    FakeCloud cloud;
    Sandbox box(cloud);
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    auto st = box.run({"login", "--status", "--json"}, "", {{"REPLICATE_API_TOKEN", "r8_envtoken"}});
    CHECK(st.code == 4);  // the env token wins, and the emulator rejects it
    auto row = st.json()[0];
    CHECK(row["source"] == "env");
    CHECK(row["location"] == "REPLICATE_API_TOKEN");
    CHECK(row["valid"] == false);
    auto refused = box.run({"login", "--replicate", "--with-token"}, "r8_good", {{"REPLICATE_API_TOKEN", "r8_good"}});
    CHECK(refused.code == 1);
    CHECK(refused.err.find("REPLICATE_API_TOKEN") != std::string::npos);
    // HF: HF_TOKEN first, then our file, then the hf CLI's token file.
    std::filesystem::create_directories(box.home() / "hf");
    std::ofstream(box.home() / "hf" / "token") << "hf_good";
    auto hf = box.run({"login", "--status", "--json"});
    CHECK(hf.json()[1]["location"] == (box.home() / "hf" / "token").string());
    CHECK(hf.json()[1]["valid"] == true);
  }

  TEST_CASE("a credentials file others can read is refused") {
    FakeCloud cloud;
    Sandbox box(cloud);
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    chmod((box.config_dir() / "credentials.json").c_str(), 0644);
    auto r = box.run({"login", "--status"});
    CHECK(r.code == 4);
    CHECK(r.out.find("chmod 600") == std::string::npos);
    auto j = box.run({"login", "--status", "--json"}).json();
    CHECK(j[0]["error"].get<std::string>().find("other users") != std::string::npos);
  }

  TEST_CASE("profiles keep separate credentials") {
    FakeCloud cloud;
    Sandbox box(cloud);
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    auto work = box.run({"--profile", "work", "login", "--status", "--json", "--offline"});
    CHECK(work.json()[0]["configured"] == false);
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good", {{"PHOTOAGENT_PROFILE", "work"}}).code == 0);
    CHECK(std::filesystem::exists(box.config_dir() / "profiles" / "work" / "credentials.json"));
    CHECK(box.run({"logout", "--replicate"}).code == 0);
    CHECK(box.run({"login", "--status", "--json", "--offline"}).json()[0]["configured"] == false);
    CHECK(box.run({"login", "--status", "--json", "--offline", "--profile", "work"}).json()[0]["configured"] == true);
    CHECK(box.run({"--profile", "../x", "login", "--status"}).code == 2);
  }

  TEST_CASE("logout removes all stored secrets") {
    FakeCloud cloud;
    Sandbox box(cloud);
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    REQUIRE(box.run({"login", "--huggingface", "--with-token"}, "hf_good").code == 0);
    auto r = box.run({"logout", "--json"});
    CHECK(r.code == 0);
    CHECK(r.json()["removed"].size() == 2);
    auto text = read(box.config_dir() / "credentials.json");
    CHECK(text.find("r8_good") == std::string::npos);
    CHECK(text.find("hf_good") == std::string::npos);
  }

  TEST_CASE("--debug traces HTTP with the token redacted") {
    FakeCloud cloud;
    Sandbox box(cloud);
    auto r = box.run({"login", "--replicate", "--with-token", "--debug"}, "r8_good_secret_value", {},
                     30);
    CHECK(r.code == 4);  // not the emulator's token, but the trace is what matters
    CHECK(r.err.find("GET /v1/account") != std::string::npos);
    CHECK(r.err.find("[redacted]") != std::string::npos);
    CHECK(r.err.find("good_secret_value") == std::string::npos);
  }

  TEST_CASE("transient faults are retried; an unreachable service exits 5") {
    FakeCloud cloud;
    Sandbox box(cloud);
    cloud.post("/_fake/config", {{"faults", {{{"route", "GET /v1/account"}, {"kind", "status"}, {"status", 503}, {"count", 1}},
                                             {{"route", "GET /api/whoami-v2"}, {"kind", "status"}, {"status", 429}, {"retry_after", 1}, {"count", 1}},
                                             {{"route", "GET /v3/scopes"}, {"kind", "drop"}, {"count", 1}}}}});
    CHECK(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    CHECK(box.run({"login", "--huggingface", "--with-token"}, "hf_good").code == 0);
    CHECK(box.run({"login", "--sendgrid", "--with-token", "--from", "me@example.com"}, "SG.good").code == 0);
    CHECK(cloud.stats()["faults_injected"] == 3);

    auto down = box.run({"login", "--replicate", "--with-token"}, "r8_good",
                        {{"REPLICATE_API_BASE_URL", "http://127.0.0.1:9/v1"}, {"PHOTOAGENT_RETRIES", "0"}});
    CHECK(down.code == 5);
    CHECK(down.err.find("cannot reach Replicate") != std::string::npos);
    auto insecure = box.run({"login", "--replicate", "--with-token"}, "r8_good",
                            {{"REPLICATE_API_BASE_URL", "http://example.com/v1"}});
    CHECK(insecure.code == 2);
    CHECK(insecure.err.find("unencrypted") != std::string::npos);
  }
}
