// --debug lines of any length: the redaction is a plain scan (std::regex
// crashed on a 60 kB header, issue 13).
#include <doctest/doctest.h>

#include "photoagent/util/redact.hpp"

using namespace photoagent::util;

TEST_SUITE("util::redact long lines") {
  TEST_CASE("a 60 kB header and a 1 MB body line are redacted without crashing") {
    const std::string big(60 * 1024, 'a');
    auto out = redact_trace("x-padding: " + big + "\r\nAuthorization: Bearer r8_secretsecret\r\n", {});
    CHECK(out.find(big) != std::string::npos);
    CHECK(out.find("secretsecret") == std::string::npos);
    CHECK(out.find("Authorization: [redacted]") != std::string::npos);
    const std::string body = "{\"url\":\"https://h/x?sig=abc&a=1\",\"pad\":\"" + std::string(1 << 20, '/') + "\"} hf_abcdefghijk";
    auto b = redact_trace(body, {});
    CHECK(b.find("sig=REDACTED&a=1") != std::string::npos);
    CHECK(b.find("abcdefghijk") == std::string::npos);
    auto urls = redact_trace(std::string(100000, ' ') + "/p?token=t " + std::string(100000, 'h') + "://x?key=k", {});
    CHECK(urls.find("token=REDACTED") != std::string::npos);
    CHECK(urls.find("key=REDACTED") != std::string::npos);
  }

  TEST_CASE("the scanners keep the old rules") {
    CHECK(redact_trace("GET /v1/x?X-Amz-Signature=abc&part=1 HTTP/1.1", {}) ==
          "GET /v1/x?X-Amz-Signature=REDACTED&part=1 HTTP/1.1");
    CHECK(redact_trace("/only?sig=1", {}) == "/only?sig=REDACTED");
    CHECK(redact_trace("Location: https://cdn/x?token=a#f", {}) == "Location: https://cdn/x?token=REDACTED#f");
    CHECK(redact_trace("short r8_abc and hf_1234567", {}) == "short r8_abc and hf_1234567");
    CHECK(redact_trace("xr8_ABCDEFGHIJ.", {}) == "xr8_[redacted]");
    CHECK(redact_trace("path /no/query here", {}) == "path /no/query here");
    CHECK(redact_trace("\"https://a/b?c=d\"", {}) == "\"https://a/b?c=d\"");
  }
}
