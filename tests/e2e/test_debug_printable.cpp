// --debug shows what a server sent (issue 13 item 3): its headers and
// bodies are remote text, so they reach the terminal without control
// sequences (ESC, C1 controls, bidirectional overrides), as error text does.
#include <doctest/doctest.h>

#include "harness.hpp"
#include "helpers.hpp"

using e2e::FakeCloud;
using e2e::has;
using e2e::Sandbox;

TEST_SUITE("e2e::debug printable") {
  TEST_CASE("--debug prints a hostile answer's headers and body without terminal controls") {
    FakeCloud cloud;
    Sandbox box(cloud);
    // An OSC retitle and a clear screen in a header; in the body (printable
    // bytes only, so it is not taken for binary data) the one-byte C1 forms
    // of CSI and OSC and a right-to-left override. A type the emulator does
    // not compress, so the trace shows the body itself.
    const std::string header = "x\x1b]0;pwned\x07\x1b[2Jy";
    const std::string body = "busy \xc2\x9b" "2J \xc2\x9d" "0;pwned\xc2\x9c \xe2\x80\xae" "evil";
    cloud.post("/_fake/config", {{"faults", {{{"route", "GET /v1/account"}, {"kind", "status"}, {"status", 503},
                                              {"count", 1}, {"headers", {{"X-Note", header}}}, {"body", body},
                                              {"content_type", "application/problem+json"}}}}});
    auto r = box.run({"login", "--replicate", "--with-token", "--debug"}, "r8_good");
    CHECK_MESSAGE(r.code == 0, r.err.substr(0, 2000));
    CHECK(cloud.stats()["faults_injected"] == 1);
    CHECK_MESSAGE(has(r.err, "< X-Note: x"), r.err.substr(0, 4000));  // the header is shown...
    CHECK_MESSAGE(has(r.err, "<< busy"), r.err.substr(0, 4000));      // ...and the body
    CHECK_FALSE(has(r.err, "\x1b"));
    CHECK_FALSE(has(r.err, "\x07"));
    for (const char* c1 : {"\xc2\x9b", "\xc2\x9d", "\xc2\x9c", "\xe2\x80\xae"}) CHECK_FALSE(has(r.err, c1));
    CHECK(has(r.err, "Authorization: [redacted]"));
    CHECK_FALSE(has(r.err, "r8_good"));
  }
}
