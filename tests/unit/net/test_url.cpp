#include <doctest/doctest.h>

#include "photoagent/net/url.hpp"
#include "photoagent/util/error.hpp"

using namespace photoagent::net;

TEST_SUITE("net::url") {
  TEST_CASE("plain http only to loopback") {
    CHECK(checked_base_url("http://127.0.0.1:8080/v1/", "X") == "http://127.0.0.1:8080/v1");
    CHECK(checked_base_url("http://localhost:1", "X") == "http://localhost:1");
    CHECK(checked_base_url("http://[::1]:9/", "X") == "http://[::1]:9");
    CHECK(checked_base_url("https://api.replicate.com/v1", "X") == "https://api.replicate.com/v1");
    CHECK_THROWS_AS(checked_base_url("http://10.0.0.5/v1", "X"), photoagent::util::Error);
    CHECK_THROWS_AS(checked_base_url("http://127.0.0.1.evil.com/v1", "X"), photoagent::util::Error);
    CHECK_THROWS_AS(checked_base_url("ftp://127.0.0.1", "X"), photoagent::util::Error);
    CHECK_THROWS_AS(checked_base_url("https://", "X"), photoagent::util::Error);
  }

  TEST_CASE("authority and encoding") {
    CHECK(url_authority("https://a.b:8/x?y") == "a.b:8");
    CHECK(url_encode("a b/c~") == "a%20b%2Fc~");
  }
}
