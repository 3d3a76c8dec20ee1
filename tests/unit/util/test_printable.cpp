#include <doctest/doctest.h>

#include "photoagent/util/printable.hpp"

using photoagent::util::printable;
using photoagent::util::printable_line;

TEST_SUITE("util::printable") {
  TEST_CASE("CSI, OSC and two-byte escape sequences vanish with their payload") {
    CHECK(printable("a\x1b[31mred\x1b[0m b") == "ared b");
    CHECK(printable("x\x1b[2J\x1b[1;1Hy") == "xy");                          // clear screen, home
    CHECK(printable("t\x1b]0;pwned title\x07u") == "tu");                      // OSC, BEL-terminated
    CHECK(printable("t\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\u") == "tlinku");  // hyperlink, ST
    CHECK(printable("a\x1b" "7b\x1b" "8c\x1b" "cd") == "abcd");
    CHECK(printable("a\x1b(Bb") == "ab");
    CHECK(printable("a\x1bP1$qm\x1b\\b") == "ab");  // DCS
    CHECK(printable("end\x1b") == "end");
  }

  TEST_CASE("an unterminated string sequence stops at the end of its line") {
    CHECK(printable("a\x1b]0;title never ends\nnext line") == "a\nnext line");
  }

  TEST_CASE("C0 and C1 controls go, newline and tab stay, carriage return becomes a newline") {
    CHECK(printable(std::string("a\0b\x07" "c\x08" "d\x7f" "e", 9)) == "abcde");
    CHECK(printable("line1\r\nline2\tx") == "line1\nline2\tx");
    CHECK(printable(" 5%|#  \r 10%|##") == " 5%|#  \n 10%|##");
    CHECK(printable("a\xc2\x9b" "31mb\xc2\x85" "c") == "a31mbc");  // C1 CSI and NEL as UTF-8
  }

  TEST_CASE("valid UTF-8 passes, invalid bytes and bidi overrides do not") {
    CHECK(printable("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x93\xb7") == "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x93\xb7");
    CHECK(printable("a\xff" "b") == "a\xef\xbf\xbd" "b");
    CHECK(printable("a\x9b" "b") == "a\xef\xbf\xbd" "b");          // a raw C1 byte is not UTF-8
    CHECK(printable("a\xc0\xaf" "b") == "a\xef\xbf\xbd\xef\xbf\xbd" "b");  // overlong
    CHECK(printable("x\xe2\x80\xae" "gpj.exe") == "xgpj.exe");  // U+202E right-to-left override
  }

  TEST_CASE("known secrets are masked, also when escape sequences split them") {
    const std::vector<std::string> secrets{"r8_abcdefghijklmnop"};
    CHECK(printable("bad token r8_abcdefghijklmnop here", secrets) == "bad token r8_**** here");
    CHECK(printable("r8_abcdefghij\x1b[0mklmnop", secrets) == "r8_****");
    CHECK(printable("twice r8_abcdefghijklmnop r8_abcdefghijklmnop", secrets) == "twice r8_**** r8_****");
  }

  TEST_CASE("remembered secrets are masked everywhere; short ones are ignored") {
    photoagent::util::remember_secret("hf_zq9Xw81LmPqT");
    photoagent::util::remember_secret("abc");
    CHECK(printable("echo: hf_zq9Xw81LmPqT") == "echo: hf_****");
    CHECK(printable("abc abc") == "abc abc");
  }

  TEST_CASE("one-line form folds newlines and tabs into single spaces") {
    CHECK(printable_line("first\n\nsecond\tthird\r\n") == "first second third");
    CHECK(printable_line("a\x1b[2K\rb") == "a b");
  }

  TEST_CASE("50 kB of escape-laden text is handled in one pass") {
    std::string big;
    for (int i = 0; i < 10000; ++i) big += "\x1b[1mx\x1b]0;";
    CHECK(printable(big) == std::string(10000, 'x'));  // each OSC ends at the next ESC
    std::string lines;
    for (int i = 0; i < 10000; ++i) lines += "\x1b[1mx\n";
    CHECK(printable(lines).size() == 20000);
  }
}
