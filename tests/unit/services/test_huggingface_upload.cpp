// Hugging Face repo creation and the upload protocol (preupload, LFS batch,
// basic + multipart transfer, verify, ndjson commit) against scripted answers.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "photoagent/services/huggingface/repo.hpp"
#include "photoagent/services/huggingface/upload.hpp"
#include "photoagent/util/base64.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/hash.hpp"
#include "photoagent/util/strings.hpp"
#include "support.hpp"

using namespace photoagent;
using nlohmann::json;
namespace hf = photoagent::services::huggingface;

namespace {

constexpr const char* kHub = "https://hub.test";
constexpr const char* kReadmeSha1 = "77ebc6577e3fc2c38b5bc7f233510fafba6822ac";  // git hash-object of "# hi\n"

struct Env {
  std::shared_ptr<testing::ScriptedTransport> t = std::make_shared<testing::ScriptedTransport>();
  net::Client client{t, net::RetryPolicy{}, [](std::chrono::milliseconds) {}};
  services::Api api{client, services::Service::huggingface, "hf_secret", kHub};
  testing::TempDir dir;
};

std::optional<std::string> header(const net::Request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (util::iequals(k, name)) return v;
  return std::nullopt;
}

bool sends_token(const net::Request& r) {
  auto a = header(r, "authorization");
  return a && a->find("hf_secret") != std::string::npos;
}

int exit_code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const util::Error& e) {
    return e.exit_code();
  }
  return 0;
}

net::Response json_response(long status, const json& body, net::Headers h = {}) {
  return net::Response{status, std::move(h), body.dump()};
}

std::string binary_bytes(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 7 + 3) % 251);
  return s;
}

std::filesystem::path write(const Env& e, const std::string& name, const std::string& bytes) {
  auto p = e.dir.path() / name;
  util::write_file_atomic(p, bytes);
  return p;
}

// Preupload answers: mode per path, and remote oids for paths that exist.
void expect_preupload(Env& e, json files, std::string head = "head0") {
  e.t->expect([files, head](const net::Request& r) {
    CHECK(r.method == "POST");
    CHECK(r.url == std::string(kHub) + "/api/models/ada/lora/preupload/main");
    CHECK(sends_token(r));
    return json_response(200, {{"files", files}, {"commitOid", head}});
  });
}

std::vector<std::string> lines(const std::string& s) { return util::split(s, '\n'); }

std::string header_line(const std::string& parent = {}) {
  json v = {{"summary", "Upload lora"}, {"description", ""}};
  if (!parent.empty()) v["parentCommit"] = parent;
  return json{{"key", "header"}, {"value", v}}.dump();
}

const std::string kReadmeLine =
    R"({"key":"file","value":{"content":"IyBoaQo=","encoding":"base64","path":"README.md"}})";

// create_repo asks whoami first: a classic write token of user "ada".
void expect_writer(Env& e) {
  e.t->respond(200, R"({"type":"user","name":"ada","orgs":[],"auth":{"type":"access_token","accessToken":{"role":"write"}}})");
}

}  // namespace

TEST_SUITE("services::huggingface_upload") {
  TEST_CASE("create_repo: 200 creates a private model repo with the token") {
    Env e;
    expect_writer(e);
    e.t->expect([](const net::Request& r) {
      CHECK(r.method == "POST");
      CHECK(r.url == std::string(kHub) + "/api/repos/create");
      CHECK(header(r, "authorization") == std::optional<std::string>("Bearer hf_secret"));
      json b = json::parse(r.body);
      CHECK(b["name"] == "lora");
      CHECK(b["organization"] == "ada");
      CHECK(b["type"] == "model");
      CHECK_FALSE(b.contains("private"));  // `visibility` only, as the official clients send
      CHECK(b["visibility"] == "private");
      return json_response(200, {{"url", "https://hub.test/ada/lora"}, {"name", "ada/lora"}, {"id", "x"}});
    });
    CHECK(hf::create_repo(e.api, "ada/lora"));
  }

  TEST_CASE("create_repo: 409 means it already exists") {
    Env e;
    expect_writer(e);
    e.t->respond(409, R"({"error":"You already created this model repo"})");
    CHECK_FALSE(hf::create_repo(e.api, "ada/lora", false));
    CHECK(json::parse(e.t->requests[1].body)["visibility"] == "public");
  }

  TEST_CASE("create_repo: 401 with 'Invalid credentials' is a bad token (exit 4)") {
    Env e;
    expect_writer(e);
    e.t->respond(401, R"({"error":"Invalid credentials in Authorization header"})",
                 {{"x-error-message", "Invalid credentials in Authorization header"}});
    CHECK(exit_code_of([&] { hf::create_repo(e.api, "ada/lora"); }) == 4);
  }

  TEST_CASE("create_repo: 403 on create but the repo is readable counts as existing") {
    Env e;
    expect_writer(e);
    e.t->respond(403, R"({"error":"You don't have the rights to create a model under the namespace \"ada\""})");
    e.t->expect([](const net::Request& r) {
      CHECK(r.method == "GET");
      CHECK(r.url == std::string(kHub) + "/api/models/ada/lora");
      return json_response(200, {{"id", "ada/lora"}});
    });
    CHECK_FALSE(hf::create_repo(e.api, "ada/lora"));
  }

  TEST_CASE("create_repo: 403 for a repo that cannot be read stays an auth error") {
    Env e;
    expect_writer(e);
    e.t->respond(403, R"({"error":"You don't have the rights"})");
    e.t->respond(404, R"({"error":"Repository not found"})", {{"x-error-code", "RepoNotFound"}});
    CHECK(exit_code_of([&] { hf::create_repo(e.api, "ada/lora"); }) == 4);
  }

  TEST_CASE("a bad repo id is refused before any request") {
    Env e;
    CHECK(exit_code_of([&] { hf::create_repo(e.api, "no-slash"); }) == 2);
    CHECK(exit_code_of([&] { hf::upload_files(e.api, "a/../b", {{"x", {}, "y"}}, "s"); }) == 2);
  }

  TEST_CASE("upload: one LFS file (basic, verify) and one regular file in one commit") {
    Env e;
    const std::string weights = binary_bytes(1000);
    const std::string oid = util::sha256_hex(weights);
    auto lora = write(e, "lora.safetensors", weights);

    e.t->expect([&](const net::Request& r) {
      json b = json::parse(r.body);
      REQUIRE(b["files"].size() == 2);
      CHECK(b["files"][0]["path"] == "lora.safetensors");
      CHECK(b["files"][0]["size"] == 1000);
      CHECK(util::base64_decode(b["files"][0]["sample"].get<std::string>()) == weights.substr(0, 512));
      CHECK(b["files"][1] == json{{"path", "README.md"}, {"sample", "IyBoaQo="}, {"size", 5}});
      return json_response(200, {{"files",
                                  {{{"path", "lora.safetensors"}, {"uploadMode", "lfs"}, {"shouldIgnore", false}},
                                   {{"path", "README.md"}, {"uploadMode", "regular"}, {"shouldIgnore", false}}}},
                                 {"commitOid", "head0"}});
    });
    e.t->expect([&](const net::Request& r) {
      CHECK(r.url == std::string(kHub) + "/ada/lora.git/info/lfs/objects/batch");
      CHECK(header(r, "content-type") == std::optional<std::string>("application/vnd.git-lfs+json"));
      CHECK(sends_token(r));
      json b = json::parse(r.body);
      CHECK(b["operation"] == "upload");
      CHECK(b["transfers"] == json{"basic", "multipart"});
      CHECK(b["hash_algo"] == "sha256");
      CHECK(b["ref"] == json{{"name", "main"}});
      CHECK(b["objects"] == json{{{"oid", oid}, {"size", 1000}}});
      json actions = {{"upload",
                       {{"href", "https://storage.test/b/" + oid + "?X-Amz-Signature=sig"},
                        {"header", {{"x-amz-meta-repo", "ada/lora"}}}}},
                      {"verify", {{"href", std::string(kHub) + "/ada/lora.git/info/lfs/objects/verify"}}}};
      return json_response(200, {{"transfer", "basic"},
                                 {"objects", {{{"oid", oid}, {"size", 1000}, {"actions", actions}}}}});
    });
    e.t->expect([&](const net::Request& r) {
      CHECK(r.method == "PUT");
      CHECK(r.url == "https://storage.test/b/" + oid + "?X-Amz-Signature=sig");
      CHECK_FALSE(header(r, "authorization"));  // presigned: the token never goes to storage
      CHECK(header(r, "x-amz-meta-repo") == std::optional<std::string>("ada/lora"));
      CHECK(r.headers.size() == 1);
      CHECK(r.idempotent);
      CHECK(util::read_file(r.body_file) == weights);
      return net::Response{200, {{"etag", "\"abc\""}}, ""};
    });
    e.t->expect([&](const net::Request& r) {
      CHECK(r.method == "POST");
      CHECK(r.url == std::string(kHub) + "/ada/lora.git/info/lfs/objects/verify");
      CHECK(sends_token(r));
      CHECK(json::parse(r.body) == json{{"oid", oid}, {"size", 1000}});
      return json_response(200, json::object());
    });
    e.t->expect([&](const net::Request& r) {
      CHECK(r.method == "POST");
      CHECK(r.url == std::string(kHub) + "/api/models/ada/lora/commit/main");
      CHECK(header(r, "content-type") == std::optional<std::string>("application/x-ndjson"));
      CHECK_FALSE(r.idempotent);
      CHECK(sends_token(r));
      CHECK(lines(r.body) ==
            std::vector<std::string>{
                header_line(),
                R"({"key":"lfsFile","value":{"algo":"sha256","oid":")" + oid +
                    R"(","path":"lora.safetensors","size":1000}})",
                kReadmeLine});
      return json_response(200, {{"success", true},
                                 {"commitOid", "c1"},
                                 {"commitUrl", "https://hub.test/ada/lora/commit/c1"},
                                 {"hookOutput", ""}});
    });
    auto res = hf::upload_files(e.api, "ada/lora", {{"lora.safetensors", lora, {}}, {"README.md", {}, "# hi\n"}},
                                "Upload lora");
    CHECK(res.commit_oid == "c1");
    CHECK(res.commit_url == "https://hub.test/ada/lora/commit/c1");
    CHECK(res.unchanged.empty());
  }

  TEST_CASE("upload: multipart sends each chunk to its part URL, then the ETags to the completion URL") {
    Env e;
    const std::string weights = binary_bytes(2500);
    const std::string oid = util::sha256_hex(weights);
    auto lora = write(e, "lora.safetensors", weights);
    expect_preupload(e, {{{"path", "lora.safetensors"}, {"uploadMode", "lfs"}}});
    const std::string complete = std::string(kHub) + "/ada/lora.git/lfs/complete/" + oid;
    e.t->expect([&](const net::Request&) {
      json header = {{"chunk_size", "1000"},
                     {"00001", "https://storage.test/p1?sig=1"},
                     {"00002", "https://storage.test/p2?sig=2"},
                     {"00003", "https://storage.test/p3?sig=3"}};
      json actions = {{"upload", {{"href", complete}, {"header", header}}}};
      return json_response(200, {{"transfer", "multipart"},
                                 {"objects", {{{"oid", oid}, {"size", 2500}, {"actions", actions}}}}});
    });
    for (int i = 1; i <= 3; ++i)
      e.t->expect([&, i](const net::Request& r) {
        CHECK(r.method == "PUT");
        CHECK(r.url == "https://storage.test/p" + std::to_string(i) + "?sig=" + std::to_string(i));
        CHECK(r.headers.empty());
        CHECK(util::read_file(r.body_file) == weights.substr((i - 1) * 1000, 1000));
        return net::Response{200, {{"etag", "\"e" + std::to_string(i) + "\""}}, ""};
      });
    e.t->expect([&](const net::Request& r) {
      CHECK(r.method == "POST");
      CHECK(r.url == complete);
      CHECK_FALSE(header(r, "authorization"));  // not even on the Hub's host: huggingface_hub sends none
      CHECK(json::parse(r.body) == json{{"oid", oid},
                                        {"parts",
                                         {{{"partNumber", 1}, {"etag", "\"e1\""}},
                                          {{"partNumber", 2}, {"etag", "\"e2\""}},
                                          {{"partNumber", 3}, {"etag", "\"e3\""}}}}});
      return json_response(200, json::object());
    });
    e.t->expect([&](const net::Request& r) {
      CHECK(lines(r.body).size() == 2);
      CHECK(r.body.find(oid) != std::string::npos);
      return json_response(200, {{"commitOid", "c2"}});
    });
    auto res = hf::upload_files(e.api, "ada/lora", {{"lora.safetensors", lora, {}}}, "Upload lora");
    CHECK(res.commit_oid == "c2");
    CHECK(res.commit_url == std::string(kHub) + "/ada/lora/commit/c2");
  }

  TEST_CASE("upload: a part without an ETag stops the upload") {
    Env e;
    const std::string weights = binary_bytes(1500);
    const std::string oid = util::sha256_hex(weights);
    auto lora = write(e, "w.bin", weights);
    expect_preupload(e, {{{"path", "w.bin"}, {"uploadMode", "lfs"}}});
    e.t->expect([&](const net::Request&) {
      json header = {{"chunk_size", 1000}, {"00001", "https://s.test/1"}, {"00002", "https://s.test/2"}};
      return json_response(200, {{"objects", {{{"oid", oid}, {"size", 1500},
                                                {"actions", {{"upload", {{"href", "https://s.test/c"},
                                                                         {"header", header}}}}}}}}});
    });
    e.t->respond(200, "");
    CHECK(exit_code_of([&] { hf::upload_files(e.api, "ada/lora", {{"w.bin", lora, {}}}, "s"); }) == 5);
  }

  TEST_CASE("upload: an LFS object already in storage is not sent, only committed") {
    Env e;
    const std::string weights = binary_bytes(700);
    const std::string oid = util::sha256_hex(weights);
    auto lora = write(e, "lora.safetensors", weights);
    expect_preupload(e, {{{"path", "lora.safetensors"}, {"uploadMode", "lfs"}},
                         {{"path", "README.md"}, {"uploadMode", "regular"}, {"oid", kReadmeSha1}}});
    e.t->respond(200, json{{"transfer", "basic"},
                           {"objects", {{{"oid", oid}, {"size", 700}, {"authenticated", true}}}}}
                          .dump());
    e.t->expect([&](const net::Request& r) {
      // README is unchanged (same git blob id), so only the LFS file is committed.
      CHECK(lines(r.body) ==
            std::vector<std::string>{header_line(), R"({"key":"lfsFile","value":{"algo":"sha256","oid":")" + oid +
                                                        R"(","path":"lora.safetensors","size":700}})"});
      return json_response(200, {{"commitOid", "c3"}});
    });
    auto res = hf::upload_files(e.api, "ada/lora", {{"lora.safetensors", lora, {}}, {"README.md", {}, "# hi\n"}},
                                "Upload lora");
    CHECK(res.commit_oid == "c3");
    CHECK(res.unchanged == std::vector<std::string>{"README.md"});
  }

  TEST_CASE("upload: when every remote oid matches, no batch and no commit are sent") {
    Env e;
    const std::string weights = binary_bytes(900);
    auto lora = write(e, "lora.safetensors", weights);
    expect_preupload(e, {{{"path", "lora.safetensors"}, {"uploadMode", "lfs"}, {"oid", util::sha256_hex(weights)}},
                         {{"path", "README.md"}, {"uploadMode", "regular"}, {"oid", kReadmeSha1}}});
    auto res = hf::upload_files(e.api, "ada/lora", {{"lora.safetensors", lora, {}}, {"README.md", {}, "# hi\n"}},
                                "Upload lora");
    CHECK(e.t->requests.size() == 1);
    CHECK(res.commit_oid.empty());
    CHECK(res.unchanged == std::vector<std::string>{"lora.safetensors", "README.md"});
  }

  TEST_CASE("upload: a per-object batch error is reported") {
    Env e;
    auto lora = write(e, "w.bin", binary_bytes(10));
    expect_preupload(e, {{{"path", "w.bin"}, {"uploadMode", "lfs"}}});
    e.t->respond(200, json{{"objects", {{{"oid", util::sha256_hex(binary_bytes(10))},
                                         {"error", {{"code", 422}, {"message", "Object too large"}}}}}}}
                          .dump());
    try {
      hf::upload_files(e.api, "ada/lora", {{"w.bin", lora, {}}}, "s");
      FAIL("no error");
    } catch (const util::Error& err) {
      CHECK(err.exit_code() == 5);
      CHECK(std::string(err.what()).find("Object too large") != std::string::npos);
    }
  }

  TEST_CASE("upload: a bad token on commit exits 4 and is not repeated") {
    Env e;
    expect_preupload(e, {{{"path", "README.md"}, {"uploadMode", "regular"}}});
    e.t->respond(401, R"({"error":"Invalid credentials in Authorization header"})",
                 {{"x-error-message", "Invalid credentials in Authorization header"}});
    CHECK(exit_code_of([&] { hf::upload_files(e.api, "ada/lora", {{"README.md", {}, "# hi\n"}}, "Upload lora"); }) ==
          4);
  }

  TEST_CASE("upload: a 401 without 'Invalid credentials' is a hidden or missing repo (exit 3)") {
    Env e;
    e.t->respond(401, R"({"error":"Repository not found"})",
                 {{"x-error-code", "RepoNotFound"}, {"x-error-message", "Repository not found"}});
    CHECK(exit_code_of([&] { hf::upload_files(e.api, "ada/lora", {{"README.md", {}, "# hi\n"}}, "s"); }) == 3);
  }

  TEST_CASE("upload: a 5xx on commit whose commit did land is not repeated") {
    Env e;
    expect_preupload(e, {{{"path", "README.md"}, {"uploadMode", "regular"}}});
    e.t->respond(500, R"({"error":"Internal Error"})");
    expect_preupload(e, {{{"path", "README.md"}, {"uploadMode", "regular"}, {"oid", kReadmeSha1}}}, "landed");
    auto res = hf::upload_files(e.api, "ada/lora", {{"README.md", {}, "# hi\n"}}, "Upload lora");
    CHECK(res.commit_oid == "landed");
    CHECK(res.commit_url == std::string(kHub) + "/ada/lora/commit/landed");
    CHECK(e.t->requests.size() == 3);  // a single commit request
  }

  TEST_CASE("upload: a 5xx on commit that did not land is sent once more, pinned to the head") {
    Env e;
    expect_preupload(e, {{{"path", "README.md"}, {"uploadMode", "regular"}}});
    e.t->respond(502, "<html>Bad Gateway</html>");
    expect_preupload(e, {{{"path", "README.md"}, {"uploadMode", "regular"}}}, "head1");
    e.t->expect([](const net::Request& r) {
      CHECK(lines(r.body) == std::vector<std::string>{header_line("head1"), kReadmeLine});
      return json_response(200, {{"commitOid", "c4"}});
    });
    auto res = hf::upload_files(e.api, "ada/lora", {{"README.md", {}, "# hi\n"}}, "Upload lora");
    CHECK(res.commit_oid == "c4");
  }

  TEST_CASE("upload: two failed commits give up with exit 5") {
    Env e;
    expect_preupload(e, {{{"path", "README.md"}, {"uploadMode", "regular"}}});
    e.t->respond(500, R"({"error":"Internal Error"})");
    expect_preupload(e, {{{"path", "README.md"}, {"uploadMode", "regular"}}});
    e.t->respond(503, R"({"error":"Service Unavailable"})");
    expect_preupload(e, {{{"path", "README.md"}, {"uploadMode", "regular"}}});
    CHECK(exit_code_of([&] { hf::upload_files(e.api, "ada/lora", {{"README.md", {}, "# hi\n"}}, "Upload lora"); }) ==
          5);
  }

  TEST_CASE("upload: a connection broken after sending the commit is checked, not blindly repeated") {
    Env e;
    expect_preupload(e, {{{"path", "README.md"}, {"uploadMode", "regular"}}});
    e.t->fail(net::TransportError::Kind::other, false);
    expect_preupload(e, {{{"path", "README.md"}, {"uploadMode", "regular"}, {"oid", kReadmeSha1}}}, "landed");
    auto res = hf::upload_files(e.api, "ada/lora", {{"README.md", {}, "# hi\n"}}, "Upload lora");
    CHECK(res.commit_oid == "landed");
  }

  TEST_CASE("upload: empty files are committed as regular files even if the Hub says lfs") {
    Env e;
    expect_preupload(e, {{{"path", "empty.bin"}, {"uploadMode", "lfs"}}});
    e.t->expect([](const net::Request& r) {
      CHECK(lines(r.body)[1] == R"({"key":"file","value":{"content":"","encoding":"base64","path":"empty.bin"}})");
      return json_response(200, {{"commitOid", "c5"}});
    });
    CHECK(hf::upload_files(e.api, "ada/lora", {{"empty.bin", {}, ""}}, "Upload lora").commit_oid == "c5");
  }
}
