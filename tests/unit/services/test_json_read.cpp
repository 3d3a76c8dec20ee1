// Hostile answers (issue 13, DESIGN §10): every reader of service JSON goes
// through services/json_read.hpp, so a wrong type, a missing field, a body
// nested 100,000 deep or a training log without its bar end is one
// util::Error (exit 5) naming the service and the field, never a json
// exception, an "internal error" or a crash.
#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "photoagent/services/huggingface/providers.hpp"
#include "photoagent/services/huggingface/whoami.hpp"
#include "photoagent/services/json_read.hpp"
#include "photoagent/services/replicate/account.hpp"
#include "photoagent/services/replicate/files.hpp"
#include "photoagent/services/replicate/models.hpp"
#include "photoagent/services/replicate/predictions.hpp"
#include "photoagent/services/replicate/trainings.hpp"
#include "photoagent/services/sendgrid.hpp"
#include "photoagent/util/error.hpp"

using namespace photoagent;
namespace rep = photoagent::services::replicate;
namespace hf = photoagent::services::huggingface;

namespace {

// The message of the util::Error that `f` throws; fails the test on any other outcome.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const util::Error& e) {
    CHECK(e.code() == util::ExitCode::remote);
    return e.message();
  } catch (const std::exception& e) {
    FAIL("not a util::Error: " << e.what());
  }
  FAIL("no error");
  return "";
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST_SUITE("services::json_read") {
  TEST_CASE("nesting is measured outside strings, without recursion") {
    CHECK(services::nesting_within(nested(64)));
    CHECK_FALSE(services::nesting_within(nested(65)));
    CHECK(services::nesting_within("{\"a\":\"[[[[[[[[\\\"[[[[\"}", 2));
    CHECK_FALSE(services::nesting_within("{\"a\":{\"b\":[1]}}", 2));
    CHECK(services::nesting_within(nested(100000), 100000));
  }

  TEST_CASE("a prediction whose output nests 100,000 deep fails alone, with the reason") {
    const std::string deep = "{\"id\":\"p1\",\"status\":\"succeeded\",\"output\":" + nested(100000) + "}";
    const auto p = rep::parse_prediction(deep);
    CHECK(p.status == "failed");
    CHECK(has(p.error, "output nested deeper than 64 levels"));
    CHECK(p.output == "null");
    // On a list page only that prediction fails; the others read as usual.
    const auto page = rep::parse_prediction_page("{\"results\":[" + deep +
                                                 R"(,{"id":"p2","status":"succeeded","output":["https://x/a.png"]}],"next":null})");
    REQUIRE(page.items.size() == 2);
    CHECK(page.items[0].status == "failed");
    CHECK(page.items[1].status == "succeeded");
    CHECK(page.items[1].output == R"(["https://x/a.png"])");
  }

  TEST_CASE("containers below level 64 are cut, never built; the cut is visible to readers") {
    const auto j = services::parse_answer(services::Service::replicate, "{\"a\":" + nested(100000) + ",\"b\":1}", "x");
    CHECK(j["b"] == 1);
    CHECK(j.dump().find(services::kTooDeep) != std::string::npos);
    CHECK(j.dump().size() < 300);
    CHECK(services::parse_answer(services::Service::replicate, nested(64), "x").dump() == nested(64));
    std::string objects;
    for (int i = 0; i < 1000; ++i) objects += "{\"k\":";
    objects += "1" + std::string(1000, '}');
    const auto o = services::parse_answer(services::Service::replicate, objects, "x");
    CHECK(o.dump().find(services::kTooDeep) != std::string::npos);
    CHECK(o.dump().size() < 64 * 6 + 100);
    const auto deep_file = services::parse_answer(services::Service::replicate,
                                                  R"({"urls":)" + nested(70) + "}", "the upload");
    CHECK(has(error_of([&] { services::JsonReader(services::Service::replicate, deep_file, "the upload").object("urls"); }),
              "`urls` is an array, expected an object"));
  }

  TEST_CASE("a prediction nested within the limit still reads, output kept as JSON") {
    const auto p = rep::parse_prediction("{\"id\":\"p1\",\"status\":\"succeeded\",\"output\":" + nested(60) + "}");
    CHECK(p.output == nested(60));
  }

  TEST_CASE("bodies that are not JSON or too large are refused by name") {
    CHECK(has(error_of([] { rep::parse_account("<html>502</html>"); }), "Replicate answered /account with something that is not JSON"));
    const std::string huge(services::kMaxJsonBytes + 1, ' ');
    CHECK(has(error_of([&] { rep::parse_prediction(huge); }), "MiB"));
    CHECK(services::parse_answer_lenient("{\"a\":" + nested(100) + "}")["a"].is_array());
    CHECK(services::parse_answer_lenient("not json").is_discarded());
  }

  TEST_CASE("account with wrong types names the field") {
    CHECK(has(error_of([] { rep::parse_account(R"({"username":5})"); }),
              "Replicate answered /account with an unexpected shape: `username` is a number, expected a string"));
    CHECK(has(error_of([] { rep::parse_account(R"({"username":"ada","type":["user"]})"); }), "`type` is an array"));
    CHECK(has(error_of([] { rep::parse_account("[]"); }), "the answer is an array, expected an object"));
    CHECK(has(error_of([] { rep::parse_account("{}"); }), "`username` is missing"));
    const auto a = rep::parse_account(R"({"username":"ada","type":"user","name":null})");
    CHECK(a.username == "ada");
    CHECK(a.name.empty());
  }

  TEST_CASE("file upload answer with wrong types names the nested field") {
    CHECK(has(error_of([] { rep::parse_uploaded_file(R"({"id":"f","urls":{"get":5}})"); }),
              "`urls.get` is a number, expected a string"));
    CHECK(has(error_of([] { rep::parse_uploaded_file(R"({"id":"f","urls":"x"})"); }), "`urls` is a string"));
    CHECK(has(error_of([] { rep::parse_uploaded_file(R"({"id":"f","urls":{"get":"u"},"size":"12"})"); }),
              "`size` is a string, expected a whole number"));
    CHECK(has(error_of([] { rep::parse_uploaded_file(R"({"urls":{"get":"u"},"checksums":{"sha256":1}})"); }),
              "`checksums.sha256`"));
    const auto f = rep::parse_uploaded_file(R"({"id":"f","urls":{"get":"https://x/f"},"size":12,"checksums":{"sha256":"ab"}})");
    CHECK(f.url == "https://x/f");
    CHECK(f.size == 12);
  }

  TEST_CASE("model answer with wrong types names the field") {
    CHECK(has(error_of([] { rep::parse_model(R"({"owner":"a","name":7})"); }), "`name` is a number"));
    CHECK(has(error_of([] { rep::parse_model(R"({"owner":"a","name":"n","is_official":"yes"})"); }),
              "`is_official` is a string, expected true or false"));
    CHECK(has(error_of([] { rep::parse_model(R"({"name":"n","latest_version":{"id":3}})"); }), "`latest_version.id`"));
    CHECK(rep::parse_model(R"({"owner":"a","name":"n","latest_version":null})").latest_version.empty());
  }

  TEST_CASE("an input schema of any odd shape reads as unpublished, never throws a json error") {
    CHECK(rep::parse_input_schema(R"({"openapi_schema":{"components":{"schemas":{"Input":{"properties":[1,2]}}}}})", false)
              .properties.empty());
    CHECK(rep::parse_input_schema(R"({"openapi_schema":"x"})", false).properties.empty());
    CHECK(rep::parse_input_schema(R"({"latest_version":7})", true).properties.empty());
    const auto s = rep::parse_input_schema(
        R"({"openapi_schema":{"components":{"schemas":{"Input":{"properties":{"prompt":{},"num_outputs":{"maximum":99999999999}}}}}}})",
        false);
    CHECK(s.has("prompt"));
    CHECK(s.max_outputs == 1000);
  }

  TEST_CASE("predictions, trainings and their pages name the failing item") {
    CHECK(has(error_of([] { rep::parse_prediction(R"({"id":"p","status":3})"); }), "`status` is a number"));
    CHECK(has(error_of([] { rep::parse_prediction(R"({"id":"p","metrics":{"predict_time":"1s"}})"); }),
              "`metrics.predict_time` is a string, expected a number"));
    CHECK(has(error_of([] {
                rep::parse_prediction_page(R"({"results":[{"id":"a"},{"id":"b","status":{}}],"next":null})");
              }),
              "`results[1].status` is an object"));
    CHECK(has(error_of([] { rep::parse_prediction_page(R"({"results":{}})"); }), "`results` is an object, expected an array"));
    CHECK(has(error_of([] { rep::parse_training(R"({"id":"t","logs":5})"); }), "Replicate answered the training"));
    CHECK(has(error_of([] { rep::parse_training_page(R"({"results":[7]})"); }), "`results[0]` is a number"));
    const auto t = rep::parse_training(R"({"id":"t","status":"succeeded","output":{"version":"a/b:c","weights":"w"},"error":{"x":1}})");
    CHECK(t.output_version == "a/b:c");
    CHECK(t.error == R"({"x":1})");
  }

  TEST_CASE("Hugging Face and SendGrid answers with wrong types name the field") {
    CHECK(has(error_of([] { hf::parse_whoami(R"({"name":42})"); }),
              "Hugging Face answered whoami with an unexpected shape: `name` is a number, expected a string"));
    CHECK(has(error_of([] { hf::parse_whoami(R"({"name":"ada","type":1})"); }), "`type` is a number"));
    CHECK(hf::parse_whoami(R"({"name":"ada","orgs":"x","auth":{"accessToken":{"role":5}}})").orgs.empty());
    CHECK(has(error_of([] { hf::parse_provider_mapping("[1]"); }), "Hugging Face answered the model info"));
    CHECK(hf::parse_provider_mapping(R"({"inferenceProviderMapping":{"p":7}})").size() == 1);
    CHECK(has(error_of([] { services::sendgrid::parse_scopes(R"({"scopes":["mail.send",3]})"); }),
              "SendGrid answered /v3/scopes with an unexpected shape: `scopes[1]` is a number, expected a string"));
  }
}

TEST_SUITE("services::replicate::progress_from_logs") {
  TEST_CASE("reads the last tqdm bar, across \\r redraws") {
    CHECK(rep::progress_from_logs("flux_train_replicate:  45%|####      | 450/1000 [01:00<01:10]") == doctest::Approx(0.45));
    CHECK(rep::progress_from_logs(" 5%|#  | 5/100 [..]\r 10%|##  | 10/100 [..]\n") == doctest::Approx(0.10));
    CHECK(rep::progress_from_logs("100%|##########| 1000/1000") == doctest::Approx(1.0));
    CHECK_FALSE(rep::progress_from_logs("loading images\nstarting").has_value());
    CHECK_FALSE(rep::progress_from_logs("5%|  | 1/0").has_value());
  }

  TEST_CASE("a bar cut at a line end does not count") {
    CHECK_FALSE(rep::progress_from_logs("5%|###\n| 3/10").has_value());
  }

  TEST_CASE("5%| then 50 kB without another | is no progress, quickly, and no crash") {
    const std::string logs = "flux: 5%|" + std::string(50000, '#');
    const auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(rep::progress_from_logs(logs).has_value());
    std::string many;
    for (int i = 0; i < 20000; ++i) many += "5%|##";  // each bar runs into the next one's digits
    CHECK_FALSE(rep::progress_from_logs(many + std::string(50000, 'x')).has_value());
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  }

  TEST_CASE("step counts too long to be counts are ignored, not thrown") {
    CHECK_FALSE(rep::progress_from_logs("5%|#| " + std::string(400, '9') + "/10").has_value());
    CHECK(rep::progress_from_logs("5%|#| 1/" + std::string(15, '9')).has_value());
  }
}
