#include <nlohmann/json.hpp>
#include <regex>

#include "photoagent/net/url.hpp"
#include "photoagent/services/replicate.hpp"
#include "photoagent/util/error.hpp"

namespace photoagent::services::replicate {
using nlohmann::json;

namespace {

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

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

ModelRef parse_model_ref(const std::string& ref) {
  static const std::regex shape(R"(^([A-Za-z0-9][A-Za-z0-9._-]*)/([A-Za-z0-9][A-Za-z0-9._-]*)(?::([0-9a-f]{64}))?$)");
  std::smatch m;
  if (!std::regex_match(ref, m, shape))
    throw util::usage_error("'" + ref + "' is not a Replicate model",
                            "Use OWNER/NAME or OWNER/NAME:VERSION (a 64-character version id).");
  return {m[1], m[2], m[3]};
}

std::string latest_version(const Api& api, const ModelRef& model) {
  auto r = api.call("GET", "/models/" + model.full(), "find the model " + model.full());
  json j = json::parse(r.body, nullptr, false);
  if (!j.is_object()) throw util::remote_error("Replicate answered with something that is not a model");
  if (auto v = j.find("latest_version"); v != j.end() && v->is_object()) return str(*v, "id");
  return "";
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
  req.idempotent = false;  // Replicate has no idempotency key: never repeat blindly
  if (wait_seconds > 0) {
    req.header("Prefer", "wait=" + std::to_string(wait_seconds));
    // Read for at least the wait plus a margin (DESIGN §9 timeouts).
    req.stall_timeout = std::chrono::seconds(wait_seconds + 10);
  }
  req.method = "POST";
  req.url = api.base() + path;
  req.body = body.dump();
  req.header("Content-Type", "application/json");
  net::Response r;
  try {
    r = api.raw(std::move(req));
  } catch (const net::TransportError& e) {
    if (e.nothing_sent()) throw_unreachable(Service::replicate, e);
    throw MaybeCreated(std::string("the connection to Replicate broke after the request was sent: ") + e.what());
  }
  if (r.status >= 500 || r.status == 408)
    throw MaybeCreated("Replicate failed (" + std::to_string(r.status) + ") while starting a prediction");
  if (r.status < 200 || r.status >= 300) throw_http_error(Service::replicate, r, "start a prediction of " + model.full());
  return parse_prediction(r.body);
}

Prediction get_prediction(const Api& api, const std::string& id) {
  return parse_prediction(api.call("GET", "/predictions/" + net::url_encode(id), "show prediction " + id).body);
}

Prediction cancel_prediction(const Api& api, const std::string& id) {
  return parse_prediction(
      api.call("POST", "/predictions/" + net::url_encode(id) + "/cancel", "cancel prediction " + id).body);
}

PredictionPage list_predictions(const Api& api, const std::string& created_after, const std::string& next_url) {
  net::Request req;
  net::Response r;
  if (!next_url.empty()) {
    // Pagination links are absolute; only follow them on the configured host,
    // so the token never goes anywhere else.
    if (net::url_authority(next_url) != net::url_authority(api.base()))
      throw util::remote_error("Replicate's next-page link points at another host: " + net::url_authority(next_url));
    req.method = "GET";
    req.url = next_url;
    r = api.send(std::move(req), "list predictions");
  } else {
    std::string path = "/predictions";
    if (!created_after.empty()) path += "?created_after=" + net::url_encode(created_after);
    r = api.call("GET", path, "list predictions");
  }
  json j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("results") || !j["results"].is_array())
    throw util::remote_error("Replicate answered the prediction list with something unexpected");
  PredictionPage page;
  for (const auto& item : j["results"]) page.items.push_back(from_json(item));
  page.next = str(j, "next");
  return page;
}

}  // namespace photoagent::services::replicate
