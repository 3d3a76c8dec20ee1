#include "photoagent/services/replicate/trainings.hpp"

#include <nlohmann/json.hpp>
#include <regex>

#include "detail.hpp"
#include "photoagent/net/url.hpp"
#include "photoagent/util/error.hpp"

namespace photoagent::services::replicate {
using nlohmann::json;

namespace {
using detail::str;

Training from_json(const json& j) {
  if (!j.is_object() || !j.contains("id") || !j["id"].is_string())
    throw util::remote_error("Replicate answered with something that is not a training");
  Training t;
  t.id = str(j, "id");
  t.model = str(j, "model");
  t.version = str(j, "version");
  t.status = str(j, "status");
  t.logs = str(j, "logs");
  t.created_at = str(j, "created_at");
  t.started_at = str(j, "started_at");
  t.completed_at = str(j, "completed_at");
  t.input = j.contains("input") ? j["input"].dump() : "{}";
  if (auto d = j.find("data_removed"); d != j.end() && d->is_boolean()) t.data_removed = d->get<bool>();
  if (j.contains("error") && !j["error"].is_null())
    t.error = j["error"].is_string() ? j["error"].get<std::string>() : j["error"].dump();
  if (auto o = j.find("output"); o != j.end() && o->is_object()) {
    t.output_version = str(*o, "version");
    t.weights_url = str(*o, "weights");
  }
  if (auto m = j.find("metrics"); m != j.end() && m->is_object())
    if (auto p = m->find("predict_time"); p != m->end() && p->is_number()) t.predict_time = p->get<double>();
  return t;
}
}  // namespace

Training parse_training(const std::string& text) { return from_json(json::parse(text, nullptr, false)); }

Training create_training(const Api& api, const ModelRef& trainer, const std::string& destination,
                         const std::string& input_json) {
  json body = {{"destination", destination}, {"input", json::parse(input_json)}};
  net::Request req;
  req.method = "POST";
  req.url = api.base() + "/models/" + trainer.full() + "/versions/" + trainer.version + "/trainings";
  req.body = body.dump();
  req.header("Content-Type", "application/json");
  return parse_training(detail::send_create(api, std::move(req), "start the training").body);
}

Training get_training(const Api& api, const std::string& id) {
  return parse_training(api.call("GET", "/trainings/" + net::url_encode(id), "show training " + id).body);
}

Training cancel_training(const Api& api, const std::string& id) {
  return parse_training(api.call("POST", "/trainings/" + net::url_encode(id) + "/cancel", "cancel training " + id).body);
}

TrainingPage list_trainings(const Api& api, const std::string& next_url) {
  const json j = detail::get_page(api, "/trainings", next_url, "list trainings");
  TrainingPage page;
  for (const auto& item : j["results"]) page.items.push_back(from_json(item));
  page.next = str(j, "next");
  return page;
}

std::optional<double> progress_from_logs(const std::string& logs) {
  // Unanchored, last match wins; tqdm redraws with \r, so both separators count.
  static const std::regex bar(R"((\d{1,3})%\s*\|[^|\n\r]*\|\s*(\d+)/(\d+))");
  std::optional<double> out;
  for (std::sregex_iterator it(logs.begin(), logs.end(), bar), end; it != end; ++it) {
    const double done = std::stod((*it)[2]), total = std::stod((*it)[3]);
    if (total > 0) out = std::min(1.0, done / total);
  }
  return out;
}

}  // namespace photoagent::services::replicate
