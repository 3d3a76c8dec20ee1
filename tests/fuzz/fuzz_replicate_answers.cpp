// libFuzzer harness for what Replicate answers: the JSON readers of
// predictions (one and a page), trainings (one and a page), files, models,
// input schemas and the account, fed the input as a body; then whole calls
// (create/get/list predictions and trainings, models, schemas, account)
// through a transport whose answers (status, retry headers, body) come from
// the same bytes, retries included. A finding: a sanitizer report, a leak,
// or any exception other than util::Error and the documented "outcome
// unknown" signals (MaybeCreated, NotOfficial, TransportError) escaping.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "photoagent/services/replicate/account.hpp"
#include "photoagent/services/replicate/files.hpp"
#include "photoagent/services/replicate/models.hpp"
#include "photoagent/services/replicate/predictions.hpp"
#include "photoagent/services/replicate/trainings.hpp"
#include "photoagent/util/error.hpp"
#include "stub_transport.hpp"

namespace r = photoagent::services::replicate;
using photoagent::services::Api;
using photoagent::services::Service;

template <class F>
static void expect_error_only(F&& f) {
  try {
    f();
  } catch (const photoagent::util::Error&) {
  } catch (const r::MaybeCreated&) {
  } catch (const r::NotOfficial&) {
  } catch (const photoagent::net::TransportError&) {
  }
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  expect_error_only([&] {
    const auto p = r::parse_prediction(body);
    (void)p.terminal();
  });
  expect_error_only([&] { (void)r::parse_prediction_page(body); });
  expect_error_only([&] { (void)r::parse_training(body); });
  expect_error_only([&] { (void)r::parse_training_page(body); });
  expect_error_only([&] { (void)r::parse_uploaded_file(body); });
  expect_error_only([&] { (void)r::parse_model(body); });
  expect_error_only([&] { (void)r::parse_input_schema(body, true); });
  expect_error_only([&] { (void)r::parse_input_schema(body, false); });
  expect_error_only([&] { (void)r::parse_account(body); });

  // Whole calls: the same bytes as a conversation of hostile answers.
  FuzzedDataProvider fdp(data, size);
  const auto client = fuzz::stub_client(fdp);
  const Api api(client, Service::replicate, "r8_fuzz", "https://api.replicate.com/v1");
  const r::ModelRef official{"black-forest-labs", "flux-schnell", ""};
  const r::ModelRef versioned{"ostris", "flux-dev-lora-trainer", std::string(64, 'a')};
  switch (fdp.ConsumeIntegralInRange<int>(0, 8)) {
    case 0: expect_error_only([&] { (void)r::create_prediction(api, official, R"({"prompt":"x","seed":1})", 60); }); break;
    case 1: expect_error_only([&] { (void)r::create_prediction(api, versioned, R"({"prompt":"x"})", 0); }); break;
    case 2: expect_error_only([&] { (void)r::get_prediction(api, "abc123"); }); break;
    case 3: expect_error_only([&] { (void)r::list_predictions(api, "2026-01-01T00:00:00Z"); }); break;
    case 4: expect_error_only([&] { (void)r::create_training(api, versioned, "ada-lab/ada", R"({"input_images":"x"})"); }); break;
    case 5: expect_error_only([&] { (void)r::get_training(api, "t1"); }); break;
    case 6: expect_error_only([&] { (void)r::list_trainings(api); }); break;
    case 7: expect_error_only([&] { (void)r::input_schema(api, official); (void)r::find_model(api, versioned); }); break;
    default: expect_error_only([&] { (void)r::get_account(api); (void)r::latest_version(api, versioned); }); break;
  }
  return 0;
}
