#include "photoagent/services/replicate/predictions.hpp"

#include <nlohmann/json.hpp>

#include "detail.hpp"
#include "photoagent/net/url.hpp"
#include "photoagent/util/error.hpp"

namespace photoagent::services::replicate {
using nlohmann::json;

namespace {

using detail::str;

Prediction from_json(const json& j) {
  if (!j.is_object() || !j.contains("id") || !j["id"].is_string())
    throw util::remote_error("Replicate answered with something that is not a prediction");
  Prediction p;
  p.id = str(j, "id");
  p.model = str(j, "model");
  p.version = str(j, "version");
  p.status = str(j, "status");
  p.error = j.contains("error") && !j["error"].is_null() ? (j["error"].is_string() ? j["error"].get<std::string>()
                                                                                  : j["error"].dump())
                                                         : "";
  p.logs = str(j, "logs");
  p.created_at = str(j, "created_at");
  p.input = j.contains("input") ? j["input"].dump() : "{}";
  p.output = j.contains("output") ? j["output"].dump() : "null";
  if (auto d = j.find("data_removed"); d != j.end() && d->is_boolean()) p.data_removed = d->get<bool>();
  if (auto m = j.find("metrics"); m != j.end() && m->is_object())
    if (auto t = m->find("predict_time"); t != m->end() && t->is_number()) p.predict_time = t->get<double>();
  return p;
}

}  // namespace

bool is_terminal_status(const std::string& s) {
  return s == "succeeded" || s == "failed" || s == "canceled" || s == "aborted";
}
bool Prediction::terminal() const { return is_terminal_status(status); }

Prediction parse_prediction(const std::string& text) {
  return from_json(json::parse(text, nullptr, false));
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
  if (!model.version.empty()) return parse_prediction(detail::send_create(api, std::move(req), action).body);
  try {
    return parse_prediction(detail::send_create(api, std::move(req), action).body);
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
  const json j = detail::get_page(api, first, next_url, "list predictions");
  PredictionPage page;
  for (const auto& item : j["results"]) page.items.push_back(from_json(item));
  page.next = str(j, "next");
  return page;
}

}  // namespace photoagent::services::replicate
