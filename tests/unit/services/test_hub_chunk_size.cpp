// The Hub's multipart `chunk_size` is a number from a remote answer (issue
// 13): any whole number that fits 64 bits works (one larger than the file is
// one part), anything else is one "Hugging Face answered ..." error (exit 5)
// before a byte goes to storage, never a wrong part count or "internal error".
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
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
  services::Api api{client, services::Service::huggingface, "hf_chunk_test_token", kHub};
  testing::TempDir dir;
  const std::string weights = std::string(1000, 'w');
  const std::string oid = util::sha256_hex(weights);
  std::filesystem::path file = dir.path() / "lora.safetensors";

  // Preupload says LFS; the batch answer asks for multipart with `chunk_size`.
  explicit Env(const json& chunk_size) {
    util::write_file_atomic(file, weights);
    t->expect([](const net::Request&) {
      return net::Response{200, {}, json{{"files", {{{"path", "lora.safetensors"}, {"uploadMode", "lfs"}}}}}.dump()};
    });
    t->expect([this, chunk_size](const net::Request&) {
      json header = {{"chunk_size", chunk_size}, {"00001", "https://storage.test/p1"}};
      json actions = {{"upload", {{"href", "https://storage.test/complete"}, {"header", header}}}};
      return net::Response{200, {}, json{{"objects", {{{"oid", oid}, {"size", 1000}, {"actions", actions}}}}}.dump()};
    });
  }
  void upload() { hf::upload_files(api, "ada/lora", {{"lora.safetensors", file, {}}}, "s"); }
};

}  // namespace

TEST_SUITE("services::huggingface chunk_size") {
  TEST_CASE("a chunk_size larger than the file, up to 2^64-1 as a number or a string, is one part") {
    const auto max = std::numeric_limits<std::uint64_t>::max();
    for (const json& chunk : {json(max), json(std::to_string(max)), json(1000), json("4096")}) {
      CAPTURE(chunk.dump());
      Env e(chunk);
      e.t->expect([&](const net::Request& r) {
        CHECK(r.url == "https://storage.test/p1");
        CHECK(util::read_file(r.body_file) == e.weights);
        return net::Response{200, {{"etag", "\"e1\""}}, ""};
      });
      e.t->expect([](const net::Request& r) {
        CHECK(r.url == "https://storage.test/complete");
        return net::Response{200, {}, "{}"};
      });
      e.t->expect([](const net::Request&) { return net::Response{200, {}, json{{"commitOid", "c1"}}.dump()}; });
      CHECK_NOTHROW(e.upload());
    }
  }

  TEST_CASE("a chunk_size that is not a whole positive 64-bit number is one clear error, nothing stored") {
    for (const json& chunk : {json("18446744073709551616"), json("99999999999999999999999999"), json("12abc"),
                              json("-5"), json("+5"), json(" 5"), json(""), json(-5), json(1.5), json(1e300), json(0),
                              json("0"), json(true), json::object()}) {
      CAPTURE(chunk.dump());
      Env e(chunk);
      try {
        e.upload();
        FAIL("no error");
      } catch (const util::Error& err) {
        CHECK(err.code() == util::ExitCode::remote);
        CHECK_MESSAGE(err.message().rfind("Hugging Face answered the upload with an invalid chunk_size", 0) == 0,
                      err.message());
      }
      CHECK(e.t->requests.size() == 2);  // preupload and batch; no PUT to storage
    }
  }
}
