#include "photoagent/services/replicate/predictions.hpp"

#include <nlohmann/json.hpp>

#include "detail.hpp"
#include "photoagent/net/url.hpp"
#include "photoagent/services/json_read.hpp"
#include "photoagent/util/error.hpp"

namespace photoagent::services::replicate {
using nlohmann::json;

namespace {

// The body went through parse_answer, so `input` and `output` (which a
// model's author controls) nest at most kMaxJsonDepth deep and dump safely.
// An output cut there fails this prediction alone, with the reason.
Prediction from_json(const JsonReader& j) {
  Prediction p;
  p.id = j.str("id");
  p.model = j.opt_str("model");
  p.version = j.opt_str("version");
  p.status = j.opt_str("status");
  p.error = detail::error_text(j);
  p.logs = j.opt_str("logs");
  p.created_at = j.opt_str("created_at");
  const json* input = j.raw("input");
  p.input = input != nullptr ? input->dump() : "{}";
  const json* output = j.raw("output");
  p.output = output != nullptr ? output->dump() : "null";
  if (p.output.find(kTooDeep) != std::string::npos) {
    p.output = "null";
    p.status = "failed";
    p.error = "the model answered an output nested deeper than " + std::to_string(kMaxJsonDepth) +
              " levels, which photoagent does not read";
  }
  p.data_removed = j.opt_bool("data_removed").value_or(false);
  if (auto m = j.opt_object("metrics"))
    if (auto t = m->opt_number("predict_time")) p.predict_time = *t;
  return p;
}

}  // namespace

// A 2xx create answer that cannot be read: the prediction exists (and is
// paid for), so the outcome is "maybe created" and the caller reconciles by
// the list; treating it as refused would create it again.
static Prediction parse_created(const std::string& body, const std::string& action) {
  try {
    return parse_prediction(body);
  } catch (const util::Error& e) {
    throw MaybeCreated("Replicate took the request to " + action + " but its answer could not be read: " + e.message());
  }
}

bool is_terminal_status(const std::string& s) {
  return s == "succeeded" || s == "failed" || s == "canceled" || s == "aborted";
}
bool Prediction::terminal() const { return is_terminal_status(status); }

Prediction parse_prediction(const std::string& text) {
  const json j = parse_answer(Service::replicate, text, "the prediction");
  return from_json(JsonReader(Service::replicate, j, "the prediction").expect_object());
}

PredictionPage parse_prediction_page(const std::string& text) {
  return detail::parse_page<PredictionPage>(text, "the list of predictions", from_json);
}

Prediction create_prediction(const Api& api, const ModelRef& model, const std::string& input_json, int wait_seconds) {
  json body;
  body["input"] = json::parse(input_json);
  std::string path;
  if (!model.version.empty()) {
    path = "/predictions";
    body["version"] = model.version;
  } else {
    path = "/models/" + model.full() + "/predictions";
  }
  net::Request req;
  if (wait_seconds > 0) {
    req.header("Prefer", "wait=" + std::to_string(wait_seconds));
    // Read for at least the wait plus a margin (DESIGN §9 timeouts).
    req.stall_timeout = std::chrono::seconds(wait_seconds + 10);
  }
  req.method = "POST";
  req.url = api.base() + path;
  req.body = body.dump();
  req.header("Content-Type", "application/json");
  const std::string action = "start a prediction of " + model.full();
  if (!model.version.empty()) return parse_created(detail::send_create(api, std::move(req), action).body, action);
  try {
    return parse_created(detail::send_create(api, std::move(req), action).body, action);
  } catch (const util::Error& e) {
    const auto& m = e.message();
    if (e.code() == util::ExitCode::not_found || m.find("Invalid version") != std::string::npos ||
        m.find("specified version does not exist") != std::string::npos)
      throw NotOfficial(model.full() + " has no model route: " + m);
    throw;
  }
}

Prediction get_prediction(const Api& api, const std::string& id) {
  return parse_prediction(api.call("GET", "/predictions/" + net::url_encode(id), "show prediction " + id).body);
}

Prediction cancel_prediction(const Api& api, const std::string& id) {
  return parse_prediction(
      api.call("POST", "/predictions/" + net::url_encode(id) + "/cancel", "cancel prediction " + id).body);
}

PredictionPage list_predictions(const Api& api, const std::string& created_after, const std::string& next_url,
                                const std::string& created_before) {
  std::string first = "/predictions";
  char sep = '?';
  if (!created_after.empty()) {
    first += sep + std::string("created_after=") + net::url_encode(created_after);
    sep = '&';
  }
  if (!created_before.empty()) first += sep + std::string("created_before=") + net::url_encode(created_before);
  return parse_prediction_page(detail::get_page_body(api, first, next_url, "list predictions"));
}

}  // namespace photoagent::services::replicate
