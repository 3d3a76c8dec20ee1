#include <doctest/doctest.h>

#include "photoagent/net/proxy.hpp"
#include "photoagent/util/error.hpp"
#include "support.hpp"

#include <map>

using namespace photoagent::net;
using Vars = std::map<std::string, std::string>;
namespace {
photoagent::util::FixedEnv env_of(Vars v) { return photoagent::util::FixedEnv(std::move(v)); }
}  // namespace

TEST_SUITE("net::proxy") {
  TEST_CASE("https uses HTTPS_PROXY / https_proxy / ALL_PROXY in curl's order") {
    CHECK(choose_proxy("https://api.replicate.com/v1", env_of(Vars{{"HTTPS_PROXY", "http://p:3128"}})).proxy == "http://p:3128");
    CHECK(choose_proxy("https://api.replicate.com/v1", env_of(Vars{{"https_proxy", "a:1"}, {"HTTPS_PROXY", "b:2"}})).proxy == "a:1");
    auto all = choose_proxy("https://x.org/", env_of(Vars{{"ALL_PROXY", "socks5://s:1080"}}));
    CHECK(all.proxy == "socks5://s:1080");
    CHECK(all.reason == "ALL_PROXY");
    CHECK(choose_proxy("https://x.org/", env_of({})).proxy.empty());
    // http_proxy is for http URLs only, as in curl.
    CHECK(choose_proxy("https://x.org/", env_of(Vars{{"http_proxy", "p:1"}})).proxy.empty());
  }

  TEST_CASE("plain http and loopback hosts never go through a proxy") {
    const auto env = env_of(Vars{{"http_proxy", "http://p:3128"}, {"HTTP_PROXY", "http://p:3128"},
                        {"https_proxy", "http://p:3128"}, {"ALL_PROXY", "http://p:3128"}});
    CHECK(choose_proxy("http://127.0.0.1:8080/v1/account", env).proxy.empty());
    CHECK(choose_proxy("http://localhost:8080/", env).proxy.empty());
    CHECK(choose_proxy("https://127.0.0.1:8443/", env).proxy.empty());
    CHECK(choose_proxy("http://example.com/", env).proxy.empty());
  }

  TEST_CASE("NO_PROXY: exact, subdomains, leading dot, star, CIDR") {
    CHECK(no_proxy_matches("example.com", "example.com"));
    CHECK(no_proxy_matches("example.com", "api.example.com"));
    CHECK(no_proxy_matches(".example.com", "api.example.com"));
    CHECK_FALSE(no_proxy_matches("example.com", "badexample.com"));
    CHECK(no_proxy_matches("a.org, example.com", "EXAMPLE.com"));
    CHECK(no_proxy_matches("*", "anything"));
    CHECK(no_proxy_matches("10.0.0.0/8", "10.1.2.3"));
    CHECK_FALSE(no_proxy_matches("10.0.0.0/8", "11.1.2.3"));
    CHECK_FALSE(no_proxy_matches("", "x"));
    CHECK(choose_proxy("https://api.example.com/", env_of(Vars{{"HTTPS_PROXY", "p:1"}, {"NO_PROXY", ".example.com"}})).proxy.empty());
  }

  TEST_CASE("proxy credentials never reach a log line") {
    CHECK(proxy_for_display("http://user:pw@proxy:3128") == "http://proxy:3128");
    CHECK(proxy_for_display("user:pw@proxy:3128") == "proxy:3128");
    CHECK(proxy_for_display("http://proxy:3128") == "http://proxy:3128");
  }

  TEST_CASE("CA bundle: CURL_CA_BUNDLE, then SSL_CERT_FILE; a missing file is a clear error") {
    testing::TempDir dir;
    const auto pem = dir.path() / "ca.pem";
    { auto f = std::fopen(pem.c_str(), "w"); REQUIRE(f); std::fclose(f); }
    CHECK(choose_ca(env_of({})).file.empty());
    auto ca = choose_ca(env_of(Vars{{"SSL_CERT_FILE", pem.string()}}));
    CHECK(ca.file == pem.string());
    CHECK(ca.source == "SSL_CERT_FILE");
    CHECK(choose_ca(env_of(Vars{{"CURL_CA_BUNDLE", pem.string()}, {"SSL_CERT_FILE", "/nope"}})).source == "CURL_CA_BUNDLE");
    CHECK_THROWS_AS(choose_ca(env_of(Vars{{"SSL_CERT_FILE", (dir.path() / "missing.pem").string()}})), photoagent::util::Error);
  }
}
