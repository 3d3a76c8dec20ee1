#include <doctest/doctest.h>

#include "photoagent/util/hash.hpp"
#include "photoagent/workflows/reconcile.hpp"

using namespace photoagent::workflows;

TEST_SUITE("workflows::reconcile") {
  TEST_CASE("inputs match field by field; extra remote fields are defaults and do not matter") {
    CHECK(match_input(R"({"prompt":"a","seed":7})", R"({"seed":7,"prompt":"a"})", false) == InputMatch::exact);
    CHECK(match_input(R"({"prompt":"a","seed":7})", R"({"seed":7,"prompt":"a","steps":4})", false) == InputMatch::exact);
    CHECK(match_input(R"({"prompt":"a","seed":7})", R"({"seed":8,"prompt":"a"})", false) == InputMatch::none);
    CHECK(match_input(R"({"prompt":"a","seed":7})", R"({"prompt":"a"})", false) == InputMatch::none);
    CHECK(match_input(R"({"scale":2})", R"({"scale":2.0})", false) == InputMatch::exact);
    CHECK(match_input(R"({"l":[1,2]})", R"({"l":[1,2,3]})", false) == InputMatch::none);
  }

  TEST_CASE("file fields: a data URI by its digest, or by presence when it came back as a URL") {
    const std::string uri = "data:image/png;base64,QUJD";
    const std::string ours = R"({"image":"data:sha256,)" + photoagent::util::sha256_hex(uri) + R"(","t":1})";
    CHECK(match_input(ours, R"({"image":")" + uri + R"(","t":1})", false) == InputMatch::exact);
    CHECK(match_input(ours, R"({"image":"data:image/png;base64,WFla","t":1})", false) == InputMatch::none);
    CHECK(match_input(ours, R"({"image":"https://replicate.delivery/x/in.png","t":1})", false) ==
          InputMatch::by_presence);
    CHECK(match_input(ours, R"({"image":"","t":1})", false) == InputMatch::none);
    CHECK(match_input(R"({"zip":"https://api.replicate.com/v1/files/abc"})",
                      R"({"zip":"https://replicate.delivery/pbxt/abc/data.zip"})", false) == InputMatch::by_presence);
    CHECK(match_input(R"({"zip":"https://a/1"})", R"({"zip":"https://a/1"})", false) == InputMatch::exact);
  }

  TEST_CASE("removed inputs cannot be decided") {
    CHECK(match_input(R"({"prompt":"a"})", "{}", true) == InputMatch::removed);
    CHECK(match_input(R"({"prompt":"a"})", "null", false) == InputMatch::removed);
    CHECK(match_input(R"({"secret_key":"[redacted]"})", R"({"secret_key":"abc"})", false) == InputMatch::exact);
  }

  TEST_CASE("deciding among candidates") {
    std::string chosen;
    CHECK(decide({}, chosen) == Verdict::not_found);
    CHECK(decide({{"a", InputMatch::by_presence}, {"b", InputMatch::exact}}, chosen) == Verdict::found);
    CHECK(chosen == "b");
    CHECK(decide({{"a", InputMatch::by_presence}}, chosen) == Verdict::found);
    CHECK(chosen == "a");
    CHECK(decide({{"a", InputMatch::by_presence}, {"c", InputMatch::by_presence}}, chosen) == Verdict::unknown);
    CHECK(decide({{"a", InputMatch::by_presence}, {"r", InputMatch::removed}}, chosen) == Verdict::unknown);
    CHECK(decide({{"r", InputMatch::removed}}, chosen) == Verdict::unknown);
  }
}
