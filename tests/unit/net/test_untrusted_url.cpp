#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "photoagent/net/http.hpp"
#include "photoagent/net/url.hpp"

using namespace photoagent::net;

namespace {
bool refused(std::string_view url, bool allow_private) {
  try {
    check_untrusted_url(url, allow_private);
    return false;
  } catch (const TransportError& e) {
    CHECK(e.kind() == TransportError::Kind::refused);
    CHECK_FALSE(e.retryable());
    return true;
  }
}
bool v4_non_public(const char* ip) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  REQUIRE(inet_pton(AF_INET, ip, &a.sin_addr) == 1);
  return is_non_public_address(reinterpret_cast<const sockaddr*>(&a));
}
bool v6_non_public(const char* ip) {
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  REQUIRE(inet_pton(AF_INET6, ip, &a.sin6_addr) == 1);
  return is_non_public_address(reinterpret_cast<const sockaddr*>(&a));
}
}  // namespace

TEST_SUITE("net::url untrusted") {
  TEST_CASE("output and weights URLs: https, or http to loopback only") {
    CHECK_FALSE(refused("https://replicate.delivery/x/out-0.png", false));
    CHECK(refused("http://replicate.delivery/x/out-0.png", false));
    CHECK(refused("http://10.0.0.1/x", true));
    CHECK(refused("ftp://replicate.delivery/x", true));
    CHECK(refused("file:///etc/passwd", true));
    CHECK_FALSE(refused("http://127.0.0.1:9/x", true));
    CHECK(refused("http://127.0.0.1:9/x", false));
    CHECK(refused("https://169.254.169.254/latest/meta-data", false));
    CHECK(refused("https://[::1]:8/x", false));
    CHECK(refused("https://10.1.2.3/x", false));
    CHECK(refused("https://user@192.168.1.1/x", false));
    CHECK_FALSE(refused("https://10.1.2.3/x", true));
  }

  TEST_CASE("address classes") {
    for (const char* ip : {"127.0.0.1", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.0.1", "169.254.169.254",
                           "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255"})
      CHECK_MESSAGE(v4_non_public(ip), ip);
    for (const char* ip : {"8.8.8.8", "172.32.0.1", "100.128.0.1", "1.1.1.1"}) CHECK_MESSAGE(!v4_non_public(ip), ip);
    for (const char* ip : {"::1", "::", "fe80::1", "fd00::1", "ff02::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1"})
      CHECK_MESSAGE(v6_non_public(ip), ip);
    for (const char* ip : {"2606:4700::1111", "::ffff:8.8.8.8"}) CHECK_MESSAGE(!v6_non_public(ip), ip);
    CHECK(is_non_public_ip("10.0.0.1"));
    CHECK_FALSE(is_non_public_ip("example.com"));
    CHECK(url_host("https://u:p@[FE80::1]:8/x") == "fe80::1");
    CHECK(url_host("https://API.example.com:443/x") == "api.example.com");
  }
}
