// Plain scanners for user text: UTF-8, NUL, checked numbers, email shape.
#include <doctest/doctest.h>

#include <string>

#include "photoagent/util/error.hpp"
#include "photoagent/util/text_check.hpp"

using namespace photoagent::util;

TEST_SUITE("util::text_check") {
  TEST_CASE("invalid_utf8_at finds the first byte that is not UTF-8") {
    CHECK_FALSE(invalid_utf8_at("plain ascii").has_value());
    CHECK_FALSE(invalid_utf8_at("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xb7").has_value());  // é € 📷
    CHECK(invalid_utf8_at("bad \xff here") == 4u);
    CHECK(invalid_utf8_at("\xc3") == 0u);                 // cut short
    CHECK(invalid_utf8_at("ab\xc0\xaf") == 2u);           // overlong '/'
    CHECK(invalid_utf8_at("\xed\xa0\x80") == 0u);         // a surrogate
    CHECK(invalid_utf8_at("x\xf4\x90\x80\x80") == 1u);    // above U+10FFFF
    CHECK(invalid_utf8_at("\xe2\x82") == 0u);
  }

  TEST_CASE("check_text names the byte (from 1) and refuses NUL") {
    CHECK_NOTHROW(check_text("the prompt", "a red fox"));
    try {
      check_text("the prompt", "bad \xff prompt");
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.message() == "the prompt is not valid UTF-8 at byte 5");
      CHECK(e.exit_code() == 2);
    }
    try {
      check_text("the line", std::string("nul\0here", 8));
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.message() == "the line holds a NUL character at byte 4");
    }
  }

  TEST_CASE("excerpt keeps error messages short and printable") {
    CHECK(excerpt("short") == "short");
    CHECK(excerpt("a\x1b[2Jb\xff") == "a?[2Jb?");
    const std::string big(100000, 'a');
    const auto e = excerpt(big);
    CHECK(e.size() < 100);
    CHECK(e.find("100000 bytes") != std::string::npos);
    CHECK(excerpt("caf\xc3\xa9", 10) == "caf\xc3\xa9");
  }

  TEST_CASE("checked integers: whole string, no overflow") {
    CHECK(parse_int64("12") == 12);
    CHECK(parse_int64("-3") == -3);
    CHECK(parse_int64("9223372036854775807") == INT64_MAX);
    CHECK_FALSE(parse_int64("9223372036854775808").has_value());
    CHECK_FALSE(parse_int64("99999999999999999999").has_value());
    CHECK_FALSE(parse_int64("").has_value());
    CHECK_FALSE(parse_int64("+1").has_value());
    CHECK_FALSE(parse_int64("1.5").has_value());
    CHECK_FALSE(parse_int64("1e3").has_value());
    CHECK_FALSE(parse_int64(" 1").has_value());
    CHECK(parse_uint64("18446744073709551615") == UINT64_MAX);
    CHECK_FALSE(parse_uint64("18446744073709551616").has_value());
    CHECK_FALSE(parse_uint64("-1").has_value());
  }

  TEST_CASE("plausible_email: the old shape, bounded, no regex") {
    CHECK(plausible_email("me@example.com"));
    CHECK(plausible_email("a.b+c@mail.example.co.uk"));
    CHECK_FALSE(plausible_email(""));
    CHECK_FALSE(plausible_email("me@localhost"));
    CHECK_FALSE(plausible_email("@example.com"));
    CHECK_FALSE(plausible_email("me@.com"));
    CHECK_FALSE(plausible_email("me@example."));
    CHECK_FALSE(plausible_email("a@b@example.com"));
    CHECK_FALSE(plausible_email("me @example.com"));
    CHECK_FALSE(plausible_email("me@example.com, you@example.com"));
    CHECK_FALSE(plausible_email("<me@example.com>"));
    CHECK_FALSE(plausible_email("me\xff@example.com"));
    // 100 kB took std::regex down (stack overflow); now a length check.
    CHECK_FALSE(plausible_email(std::string(100000, 'a') + "@example.com"));
    CHECK_FALSE(plausible_email("a@" + std::string(100000, 'b') + ".com"));
  }
}
