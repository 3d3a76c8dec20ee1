// Hub answers a hostile or broken server could send during an upload: an
// LFS action header that would smuggle a second header line, a preupload
// answer with wrong types. One util::Error (exit 5), nothing sent to storage.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "photoagent/services/huggingface/upload.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/hash.hpp"
#include "support.hpp"

using namespace photoagent;
using nlohmann::json;
namespace hf = photoagent::services::huggingface;

namespace {

constexpr const char* kHub = "https://hub.test";

struct Env {
  std::shared_ptr<testing::ScriptedTransport> t = std::make_shared<testing::ScriptedTransport>();
  net::Client client{t, net::RetryPolicy{}, [](std::chrono::milliseconds) {}};
  services::Api api{client, services::Service::huggingface, "hf_hostile_test_token", kHub};
  testing::TempDir dir;
};

net::Response json_response(long status, const json& body) { return net::Response{status, {}, body.dump()}; }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const util::Error& e) {
    CHECK(e.code() == util::ExitCode::remote);
    return e.message();
  }
  FAIL("no util::Error");
  return "";
}

}  // namespace

TEST_SUITE("services::huggingface hostile answers") {
  TEST_CASE("an LFS action header with a line break is refused before anything goes to storage") {
    Env e;
    const std::string weights(1000, 'w');
    const auto oid = util::sha256_hex(weights);
    const auto file = e.dir.path() / "lora.safetensors";
    util::write_file_atomic(file, weights);
    e.t->expect([](const net::Request&) {
      return json_response(200, {{"files", {{{"path", "lora.safetensors"}, {"uploadMode", "lfs"}}}}, {"commitOid", "h"}});
    });
    e.t->expect([&](const net::Request&) {
      json actions = {{"upload", {{"href", "https://storage.test/x"},
                                  {"header", {{"x-amz-meta", "ok\r\nAuthorization: Bearer stolen"}}}}}};
      return json_response(200, {{"objects", {{{"oid", oid}, {"size", 1000}, {"actions", actions}}}}});
    });
    const auto msg = error_of([&] { hf::upload_files(e.api, "ada/lora", {{"lora.safetensors", file, {}}}, "s"); });
    CHECK(msg.find("upload header that is not one (`x-amz-meta`)") != std::string::npos);
    CHECK(e.t->requests.size() == 2);  // preupload and batch; no PUT to storage
  }

  TEST_CASE("a preupload answer with wrong types names the field") {
    Env e;
    e.t->expect([](const net::Request&) {
      return json_response(200, {{"files", {{{"path", "README.md"}, {"uploadMode", 3}}}}});
    });
    const auto msg = error_of([&] { hf::upload_files(e.api, "ada/lora", {{"README.md", {}, "# hi\n"}}, "s"); });
    CHECK(msg.find("Hugging Face answered the preupload request with an unexpected shape: `files[0].uploadMode` is a "
                   "number, expected a string") != std::string::npos);
  }
}
