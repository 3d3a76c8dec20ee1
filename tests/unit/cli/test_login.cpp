// Drives the whole command line in-process with a scripted transport.
#include <doctest/doctest.h>

#include <sstream>

#include "cli/app.hpp"
#include "photoagent/util/file.hpp"
#include "support.hpp"

using namespace photoagent;

namespace {
struct Run {
  int code;
  std::string out, err;
};

Run run(const std::vector<std::string>& args, std::shared_ptr<net::Transport> t, const std::string& input = {}) {
  std::istringstream in(input);
  std::ostringstream out, err;
  cli::Io io{in, out, err};
  int code = cli::run_app(args, io, std::move(t));
  return {code, out.str(), err.str()};
}

struct Home {
  testing::TempDir dir;
  testing::ScopedEnv cfg{"PHOTOAGENT_CONFIG_DIR", (dir.path() / "cfg").string()};
  testing::ScopedEnv data{"PHOTOAGENT_HOME", (dir.path() / "data").string()};
  testing::ScopedEnv r{"REPLICATE_API_TOKEN", std::nullopt};
  testing::ScopedEnv h{"HF_TOKEN", std::nullopt};
  testing::ScopedEnv s{"SENDGRID_API_KEY", std::nullopt};
  testing::ScopedEnv b{"REPLICATE_API_BASE_URL", std::nullopt};
  testing::ScopedEnv hh{"HF_HOME", (dir.path() / "hf").string()};
  testing::ScopedEnv pp{"PHOTOAGENT_PROFILE", std::nullopt};
};
}  // namespace

TEST_SUITE("cli::login") {
  TEST_CASE("a verified token is stored; the request carried it as Bearer") {
    Home home;
    auto t = std::make_shared<testing::ScriptedTransport>();
    t->respond(200, R"({"type":"user","username":"ada-lab","name":"Ada"})");
    auto r = run({"login", "--replicate", "--with-token"}, t, "r8_goodtoken\n");
    CHECK(r.code == 0);
    REQUIRE(t->requests.size() == 1);
    CHECK(t->requests[0].url == "https://api.replicate.com/v1/account");
    bool bearer = false;
    for (const auto& [k, v] : t->requests[0].headers) bearer = bearer || (k == "Authorization" && v == "Bearer r8_goodtoken");
    CHECK(bearer);
    auto creds = util::read_file(home.dir.path() / "cfg" / "credentials.json");
    CHECK(creds.find("r8_goodtoken") != std::string::npos);
    CHECK(r.err.find("r8_goodtoken") == std::string::npos);
    CHECK(r.out.find("r8_goodtoken") == std::string::npos);
  }

  TEST_CASE("a rejected token exits 4, names the login, stores nothing") {
    Home home;
    auto t = std::make_shared<testing::ScriptedTransport>();
    t->respond(401, R"({"title":"Unauthenticated","detail":"You did not pass a valid authentication token","status":401})");
    auto r = run({"login", "--replicate", "--with-token"}, t, "r8_bad");
    CHECK(r.code == 4);
    CHECK(r.err.find("photoagent login --replicate") != std::string::npos);
    CHECK(r.err.find("valid authentication token") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(home.dir.path() / "cfg" / "credentials.json"));
  }

  TEST_CASE("usage errors exit 2 before any request") {
    Home home;
    auto t = std::make_shared<testing::ScriptedTransport>();
    CHECK(run({"login"}, t).code == 2);
    CHECK(run({"login", "--replicate"}, t).code == 2);  // no terminal to ask
    CHECK(run({"login", "--replicate", "--huggingface", "--with-token"}, t, "x").code == 2);
    CHECK(run({"login", "--nope"}, t).code == 2);
    CHECK(run({"projct", "list"}, t).code == 2);
    CHECK(t->requests.empty());
  }

  TEST_CASE("SendGrid: a key without mail.send is refused") {
    Home home;
    auto t = std::make_shared<testing::ScriptedTransport>();
    t->respond(200, R"({"scopes":["alerts.read"]})");
    auto r = run({"login", "--sendgrid", "--with-token", "--from", "me@example.com"}, t, "SG.key");
    CHECK(r.code == 4);
    CHECK(r.err.find("mail.send") != std::string::npos);
  }

  TEST_CASE("SendGrid: a send-only key is verified by a sandbox send") {
    Home home;
    auto t = std::make_shared<testing::ScriptedTransport>();
    t->respond(403, R"({"errors":[{"field":null,"message":"access forbidden"}]})");
    t->expect([](const net::Request& req) {
      CHECK(req.url.ends_with("/v3/mail/send"));
      CHECK(req.body.find("\"sandbox_mode\":{\"enable\":true}") != std::string::npos);
      return net::Response{200, {}, ""};
    });
    auto r = run({"login", "--sendgrid", "--with-token", "--from", "me@example.com", "--json"}, t, "SG.sendonly");
    CHECK(r.code == 0);
    CHECK(r.out.find("sandbox") != std::string::npos);
  }

  TEST_CASE("an unreachable service exits 5") {
    Home home;
    auto t = std::make_shared<testing::ScriptedTransport>();
    testing::ScopedEnv retries("PHOTOAGENT_RETRIES", "1");
    for (int i = 0; i < 2; ++i) t->fail(net::TransportError::Kind::connect, true);
    auto r = run({"login", "--huggingface", "--with-token"}, t, "hf_x");
    CHECK(r.code == 5);
    CHECK(r.err.find("cannot reach Hugging Face") != std::string::npos);
  }
}
