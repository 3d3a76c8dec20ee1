// One Accept per request; Hugging Face token write access (classic and
// fine-grained); the inference provider pre-check; SendGrid's unverified
// sender. All against scripted answers in the services' real shapes.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "photoagent/services/huggingface/inference.hpp"
#include "photoagent/services/huggingface/providers.hpp"
#include "photoagent/services/huggingface/repo.hpp"
#include "photoagent/services/huggingface/whoami.hpp"
#include "photoagent/services/sendgrid.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/strings.hpp"
#include "support.hpp"

using namespace photoagent;
using nlohmann::json;
namespace hf = photoagent::services::huggingface;

namespace {

struct Env {
  explicit Env(services::Service s = services::Service::huggingface, const char* base = "https://hub.test")
      : api{client, s, "secret", base} {}
  std::shared_ptr<testing::ScriptedTransport> t = std::make_shared<testing::ScriptedTransport>();
  net::Client client{t, net::RetryPolicy{}, [](std::chrono::milliseconds) {}};
  services::Api api;
};

std::vector<std::string> values(const net::Request& r, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : r.headers)
    if (util::iequals(k, name)) out.push_back(v);
  return out;
}

util::Error caught(const std::function<void()>& f) {
  try {
    f();
  } catch (const util::Error& e) {
    return e;
  }
  FAIL("no util::Error thrown");
  return util::failure("");
}

// whoami-v2 of a fine-grained token, in the shape the Hub answers.
std::string fine_grained(const json& scoped) {
  return json{{"type", "user"},
              {"name", "ada"},
              {"orgs", json::array({{{"type", "org"}, {"name", "acme"}}})},
              {"auth",
               {{"type", "access_token"},
                {"accessToken",
                 {{"displayName", "ci"},
                  {"role", "fineGrained"},
                  {"fineGrained", {{"canReadGatedRepos", true}, {"global", {"discussion.write"}}, {"scoped", scoped}}}}}}}}
      .dump();
}

json scope(const char* type, const char* name, std::vector<std::string> permissions) {
  return {{"entity", {{"_id", "0123"}, {"type", type}, {"name", name}}}, {"permissions", permissions}};
}

}  // namespace

TEST_SUITE("services::hf_sendgrid_checks") {
  TEST_CASE("a request's own Accept and Content-Type win: one of each goes out") {
    Env e;
    net::Request own;
    own.url = "https://hub.test/x";
    own.header("accept", "application/vnd.git-lfs+json");
    e.t->respond(200, "{}");
    e.api.raw(own);
    CHECK(values(e.t->requests[0], "Accept") == std::vector<std::string>{"application/vnd.git-lfs+json"});

    e.t->respond(200, "{}");
    net::Request typed;
    typed.header("Content-Type", "application/x-ndjson");
    e.api.call("POST", "/y", "post", "{}", {}, typed);
    CHECK(values(e.t->requests[1], "Accept") == std::vector<std::string>{"application/json"});
    CHECK(values(e.t->requests[1], "Content-Type") == std::vector<std::string>{"application/x-ndjson"});

    e.t->respond(200, "\xFF\xD8 jpeg", {{"content-type", "image/jpeg"}});
    CHECK(hf::text_to_image(e.api, "o/m", R"({"inputs":"x"})") == "\xFF\xD8 jpeg");
    CHECK(values(e.t->requests[2], "Accept") == std::vector<std::string>{"image/png"});
    CHECK(values(e.t->requests[2], "Content-Type") == std::vector<std::string>{"application/json"});
  }

  TEST_CASE("whoami reads a fine-grained token's scoped permissions") {
    Env e;
    e.t->respond(200, fine_grained(json::array({scope("user", "ada", {"repo.content.read", "inference.serverless.write"}),
                                                scope("org", "acme", {"repo.content.read", "repo.write"}),
                                                scope("model", "ada/one-lora", {"repo.write"})})));
    auto w = hf::whoami(e.api);
    CHECK(w.role == "fineGrained");
    REQUIRE(w.scoped.size() == 3);
    CHECK(w.scoped[1].type == "org");
    CHECK(w.scoped[1].name == "acme");
    CHECK(hf::writable_targets(w) == std::vector<std::string>{"acme", "ada/one-lora"});
    CHECK(hf::write_refusal(w, "acme/lora").empty());
    CHECK(hf::write_refusal(w, "ada/one-lora").empty());  // a token scoped to one repo may push there
    const auto why = hf::write_refusal(w, "ada/lora");
    CHECK(why.find("cannot write to ada") != std::string::npos);
    CHECK(why.find("acme, ada/one-lora") != std::string::npos);
  }

  TEST_CASE("write access by role: write covers the user and its orgs, read nothing, unknown roles pass") {
    hf::WhoAmI w{"ada", "user", "write", {"acme"}, {}};
    CHECK(hf::write_refusal(w, "ada/x").empty());
    CHECK(hf::write_refusal(w, "acme/x").empty());
    CHECK(hf::write_refusal(w, "bob/x").find("neither the user nor one of its organizations") != std::string::npos);
    w.role = "read";
    CHECK(hf::write_refusal(w, "ada/x").find("read-only") != std::string::npos);
    w.role = "fineGrained";
    CHECK(hf::write_refusal(w, "ada/x").find("no repo.write") != std::string::npos);
    w.role = "";  // e.g. an OAuth token whoami does not describe: the Hub decides
    CHECK(hf::write_refusal(w, "ada/x").empty());
  }

  TEST_CASE("create_repo refuses a fine-grained token without repo.write before creating anything") {
    Env e;
    e.t->respond(200, fine_grained(json::array({scope("user", "ada", {"repo.content.read"})})));
    auto err = caught([&] { hf::create_repo(e.api, "ada/lora"); });
    CHECK(err.code() == util::ExitCode::auth);
    CHECK(err.message().find("no repo.write") != std::string::npos);
    CHECK(err.hint().find("'repo.write' on ada") != std::string::npos);
    CHECK(e.t->requests.size() == 1);  // whoami only
  }

  TEST_CASE("inference providers: the object form of model info and the list form") {
    Env e;
    e.t->expect([](const net::Request& r) {
      CHECK(r.method == "GET");
      CHECK(r.url == "https://hub.test/api/models/black-forest-labs/FLUX.1-schnell?expand%5B%5D=inferenceProviderMapping");
      return net::Response{200, {}, R"({"_id":"66aa","id":"black-forest-labs/FLUX.1-schnell","inferenceProviderMapping":{
        "together":{"status":"live","providerId":"black-forest-labs/FLUX.1-schnell","task":"text-to-image"},
        "fal-ai":{"status":"live","providerId":"fal-ai/flux/schnell","task":"text-to-image"}}})"};
    });
    auto v = hf::inference_providers(e.api, "black-forest-labs/FLUX.1-schnell");
    REQUIRE(v.size() == 2);
    CHECK(v[0].provider == "fal-ai");
    CHECK(v[0].provider_id == "fal-ai/flux/schnell");
    CHECK(v[1].task == "text-to-image");
    e.t->respond(200, R"({"id":"o/m","inferenceProviderMapping":[{"provider":"hf-inference","providerId":"o/m","status":"live","task":"text-to-image"}]})");
    v = hf::inference_providers(e.api, "o/m");
    REQUIRE(v.size() == 1);
    CHECK(v[0].provider == "hf-inference");
  }

  TEST_CASE("the hf-inference pre-check names the providers that serve a model, and Replicate's name for it") {
    Env e;
    e.t->respond(200, R"({"id":"black-forest-labs/FLUX.1-schnell","inferenceProviderMapping":{
      "fal-ai":{"status":"live","providerId":"fal-ai/flux/schnell","task":"text-to-image"},
      "replicate":{"status":"live","providerId":"black-forest-labs/flux-schnell","task":"text-to-image"}}})");
    auto err = caught([&] { hf::require_hf_inference(e.api, "black-forest-labs/FLUX.1-schnell"); });
    CHECK(err.code() == util::ExitCode::usage);
    CHECK(err.message().find("not deployed on hf-inference") != std::string::npos);
    CHECK(err.message().find("fal-ai, replicate") != std::string::npos);
    CHECK(err.hint().find("--model black-forest-labs/flux-schnell") != std::string::npos);

    e.t->respond(200, R"({"id":"ada/lora","inferenceProviderMapping":{}})");
    CHECK(caught([&] { hf::require_hf_inference(e.api, "ada/lora"); }).message().find("not served by any") !=
          std::string::npos);
    e.t->respond(200, R"({"id":"o/llm","inferenceProviderMapping":{"hf-inference":{"status":"live","task":"text-generation"}}})");
    CHECK(caught([&] { hf::require_hf_inference(e.api, "o/llm"); }).message().find("for text-generation") !=
          std::string::npos);
    e.t->respond(404, R"({"error":"Repository not found"})", {{"x-error-code", "RepoNotFound"}});
    CHECK(caught([&] { hf::require_hf_inference(e.api, "no/such"); }).code() == util::ExitCode::not_found);
    e.t->respond(200, R"({"id":"s/sd3","inferenceProviderMapping":{"hf-inference":{"status":"live","task":"text-to-image"}}})");
    CHECK_NOTHROW(hf::require_hf_inference(e.api, "s/sd3"));
  }

  TEST_CASE("SendGrid 403 naming `from` says to verify the sender, not to change the key") {
    Env e(services::Service::sendgrid, "https://sg.test");
    const std::string body =
        R"({"errors":[{"message":"The from address does not match a verified Sender Identity. Mail cannot be sent until this error is resolved. Visit https://sendgrid.com/docs/for-developers/sending-email/sender-identity/ to see the Sender Identity requirements","field":"from","help":null}]})";
    e.t->respond(403, body);
    services::sendgrid::Mail m{"nobody@example.org", "ada@example.com", "s", "t", ""};
    auto err = caught([&] { services::sendgrid::send_mail(e.api, m); });
    CHECK(err.code() == util::ExitCode::auth);
    CHECK(err.message().find("nobody@example.org") != std::string::npos);
    CHECK(err.message().find("verified Sender Identity") != std::string::npos);
    CHECK(err.hint().find("Verify the sender") != std::string::npos);
    CHECK(err.hint().find("lacks a permission") == std::string::npos);

    // Any other SendGrid call that meets it gets the same advice.
    auto generic = caught([&] { services::throw_http_error(services::Service::sendgrid, net::Response{403, {}, body}, "x"); });
    CHECK(generic.hint().find("Verify the sender") != std::string::npos);
    // A 403 about something else still points at the key.
    auto scope = caught([&] {
      services::throw_http_error(services::Service::sendgrid,
                                 net::Response{403, {}, R"({"errors":[{"field":null,"message":"access forbidden"}]})"}, "x");
    });
    CHECK(scope.hint().find("lacks a permission") != std::string::npos);
  }
}
