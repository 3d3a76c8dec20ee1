// --name TEMPLATE: checking, expansion and cleaning of values.
#include <doctest/doctest.h>

#include "photoagent/util/error.hpp"
#include "photoagent/workflows/output_names.hpp"

using namespace photoagent;
using workflows::expand_name;
using workflows::NameFields;

namespace {

NameFields fields() {
  NameFields f;
  f.project = "ada";
  f.style = "headshot";
  f.seed = 42;
  f.key = "hero-1";
  f.date = "2026-12-04";
  f.n = 1;
  return f;
}

void refused(const std::string& t, const std::string& says) {
  try {
    workflows::check_name_template(t);
    FAIL("accepted '" << t << "'");
  } catch (const util::Error& e) {
    CHECK(e.code() == util::ExitCode::usage);
    CHECK_MESSAGE(e.message().find(says) != std::string::npos, e.message());
  }
}

}  // namespace

TEST_SUITE("workflows::output_names") {
  TEST_CASE("every placeholder expands; the extension follows the format") {
    const std::string all = "{project}_{style}_{seed}_{key}_{n}_{date}";
    workflows::check_name_template(all);
    CHECK(expand_name(all, fields()) == "ada_headshot_42_hero-1_1_2026-12-04");
    auto f = fields();
    f.n = 3;
    CHECK(expand_name("{key}-{n}", f) == "hero-1-3");
    CHECK(expand_name("{project}.png", fields()) == "ada");  // the image's own extension is added later
    CHECK(expand_name("{project}.JPEG", fields()) == "ada");
    CHECK(expand_name("shot {seed}", fields()) == "shot 42");  // literal text stays as written
    f = fields();
    f.style = "";
    f.seed = -1;
    CHECK(expand_name("{style}-{seed}", f) == "none-none");
  }

  TEST_CASE("without {n}, later images of one prediction get -N so they never share a name") {
    auto f = fields();
    CHECK(expand_name("{project}", f) == "ada");
    f.n = 2;
    CHECK(expand_name("{project}", f) == "ada-2");
  }

  TEST_CASE("values never carry a path or a hidden name") {
    auto f = fields();
    f.key = "../../etc/passwd";
    const auto name = expand_name("{key}", f);
    CHECK(name.find('/') == std::string::npos);
    CHECK(name.front() != '.');
    CHECK(name == "_._.._etc_passwd");
    f.key = std::string("a\\b\x01:c*?\"<>| d\n");
    CHECK(expand_name("{key}", f) == "a_b__c_______d_");
    f.key = "..";
    CHECK(expand_name("{key}", f) == "_.");
    f.key = std::string(300, 'x');
    CHECK(expand_name("{key}", f).size() == 80);
    // Cut on a character boundary: 40 two-byte letters then one more.
    f.key = "";
    for (int i = 0; i < 41; ++i) f.key += "\xc3\xa9";  // é
    CHECK(expand_name("{key}", f).size() == 80);
    f.key = "x" + f.key;
    CHECK(expand_name("{key}", f).size() == 79);
    CHECK(workflows::clean_name_value("caf\xc3\xa9 au lait") == "caf\xc3\xa9_au_lait");
  }

  TEST_CASE("bad templates are usage errors") {
    refused("{nope}", "unknown placeholder {nope}");
    refused("{Project}", "unknown placeholder {Project}");
    refused("{project", "'{' without '}'");
    refused("project}", "'}' without '{'");
    refused("out/{project}", "not a folder");
    refused("x..\\{project}", "not a folder");
    refused("x/../{project}", "not a folder");
    refused("../{project}", "start with a dot");
    refused(".hidden-{n}", "start with a dot");
    refused("", "empty");
    workflows::check_name_template("x.png");  // a name with an extension is fine
    refused(".png", "start with a dot");
    refused(std::string(201, 'a'), "longer than 200");
    refused("a\tb", "control characters");
  }
}
