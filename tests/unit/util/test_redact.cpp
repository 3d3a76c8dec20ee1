#include <doctest/doctest.h>

#include "photoagent/util/redact.hpp"

using namespace photoagent::util;

TEST_SUITE("util::redact") {
  TEST_CASE("credential headers are redacted in any case and HTTP version") {
    for (const char* line : {"Authorization: Bearer r8_secretsecret", "authorization: Bearer hf_abcdefghijkl",
                             "AUTHORIZATION: Token x", "proxy-authorization: Basic Zm9v"}) {
      auto out = redact_trace(line, {});
      CHECK(out.find("[redacted]") != std::string::npos);
      CHECK(out.find("secret") == std::string::npos);
      CHECK(out.find("abcdefghijkl") == std::string::npos);
    }
  }

  TEST_CASE("known secrets vanish from bodies and text") {
    auto out = redact_trace("{\"token\":\"sekrit-value-123\"}\nsecond line sekrit-value-123", {"sekrit-value-123"});
    CHECK(out.find("sekrit-value-123") == std::string::npos);
    CHECK(out.find("second line") != std::string::npos);
  }

  TEST_CASE("token-shaped strings are redacted even when unknown") {
    auto out = redact_trace("saw r8_ABCDEFGHIJKLMNOP and SG.abcdefghij.klmnopqrst and hf_zzzzzzzzzzzz", {});
    CHECK(out.find("ABCDEFGHIJKLMNOP") == std::string::npos);
    CHECK(out.find("abcdefghij") == std::string::npos);
    CHECK(out.find("zzzzzzzzzzzz") == std::string::npos);
  }

  TEST_CASE("signed query strings are redacted, other parameters kept") {
    auto url = redact_url("https://s3.example/o?X-Amz-Signature=abc123&X-Amz-Credential=AKIA&partNumber=2");
    CHECK(url == "https://s3.example/o?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED&partNumber=2");
    auto line = redact_trace("PUT /upload?sig=deadbeef&n=1 HTTP/1.1", {});
    CHECK(line.find("deadbeef") == std::string::npos);
    CHECK(line.find("n=1") != std::string::npos);
  }

  TEST_CASE("ordinary headers pass through") {
    CHECK(redact_trace("Content-Type: application/json", {}) == "Content-Type: application/json");
  }

  TEST_CASE("mask_token keeps only a short prefix") {
    CHECK(mask_token("r8_abcdefghijklmnop") == "r8_****");
    CHECK(mask_token("hf_abcdefgh") == "hf_****");
    CHECK(mask_token("SG.aaaa.bbbb").find("bbbb") == std::string::npos);
    CHECK(mask_token("plainsecretvalue").find("secret") == std::string::npos);
  }
}
