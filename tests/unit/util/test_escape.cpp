#include <doctest/doctest.h>

#include "photoagent/util/escape.hpp"

using namespace photoagent::util;

TEST_SUITE("util::escape") {
  TEST_CASE("HTML escaping covers content and quoted attributes") {
    CHECK(html_escape("<script>alert('x')</script> & \"q\"") ==
          "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    CHECK(html_escape("plain") == "plain");
  }

  TEST_CASE("YAML scalars stay one value on one line") {
    CHECK(yaml_scalar("TOK_ADA") == "TOK_ADA");
    CHECK(yaml_scalar("black-forest-labs/FLUX.1-dev") == "black-forest-labs/FLUX.1-dev");
    CHECK(yaml_scalar("x\nlicense: mit\n---") == "\"x\\nlicense: mit\\n---\"");
    CHECK(yaml_scalar("a \"b\" \\ c") == "\"a \\\"b\\\" \\\\ c\"");
    CHECK(yaml_scalar("yes") == "\"yes\"");
    CHECK(yaml_scalar("") == "\"\"");
    CHECK(yaml_scalar("#comment") == "\"#comment\"");
    CHECK(yaml_scalar(std::string("a\x1b" "b", 3)) == "\"a\\x1Bb\"");
  }

  TEST_CASE("Markdown code spans and fences cannot be closed from inside") {
    CHECK(markdown_code("v1") == "`v1`");
    CHECK(markdown_code("a`b") == "``a`b``");
    CHECK(markdown_code("`x") == "`` `x ``");
    CHECK(markdown_code("a\nb") == "`a b`");
    CHECK(markdown_fence("x", "json") == "```json\nx\n```\n");
    CHECK(markdown_fence("a ```` b\n", "sh") == "`````sh\na ```` b\n`````\n");
    CHECK(markdown_text("# *hi* [x](y)\n<b>") == "\\# \\*hi\\* \\[x\\]\\(y\\) \\<b\\>");
  }
}
