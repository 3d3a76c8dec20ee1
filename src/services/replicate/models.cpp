#include "photoagent/services/replicate/models.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "detail.hpp"
#include "photoagent/util/error.hpp"

namespace photoagent::services::replicate {
using nlohmann::json;

namespace {
Model model_from(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("name")) throw util::remote_error("Replicate answered with something that is not a model");
  Model m;
  m.owner = j.value("owner", "");
  m.name = j.value("name", "");
  m.visibility = j.value("visibility", "");
  if (auto o = j.find("is_official"); o != j.end() && o->is_boolean()) m.is_official = o->get<bool>();
  if (auto v = j.find("latest_version"); v != j.end() && v->is_object()) m.latest_version = v->value("id", "");
  return m;
}
}  // namespace

std::string latest_version(const Api& api, const ModelRef& model) {
  auto r = api.call("GET", "/models/" + model.full(), "find the model " + model.full());
  json j = json::parse(r.body, nullptr, false);
  if (!j.is_object()) throw util::remote_error("Replicate answered with something that is not a model");
  if (auto v = j.find("latest_version"); v != j.end() && v->is_object()) return detail::str(*v, "id");
  return "";
}

std::optional<Model> find_model(const Api& api, const ModelRef& ref) {
  auto r = api.call("GET", "/models/" + ref.full(), "show the model " + ref.full(), {}, {404});
  if (r.status == 404) return std::nullopt;
  return model_from(r.body);
}

Model create_model(const Api& api, const std::string& owner, const std::string& name, const std::string& visibility,
                   const std::string& hardware, const std::string& description) {
  json body = {{"owner", owner}, {"name", name}, {"visibility", visibility}, {"hardware", hardware},
               {"description", description}};
  net::Request req;
  req.idempotent = false;
  auto r = api.call("POST", "/models", "create the model " + owner + "/" + name, body.dump(), {}, std::move(req));
  return model_from(r.body);
}

bool InputSchema::has(const std::string& name) const {
  return std::find(properties.begin(), properties.end(), name) != properties.end();
}

InputSchema input_schema(const Api& api, const ModelRef& ref) {
  json version;
  if (!ref.version.empty()) {
    auto r = api.call("GET", "/models/" + ref.full() + "/versions/" + ref.version, "show " + ref.full() + ":" + ref.version);
    version = json::parse(r.body, nullptr, false);
  } else {
    auto r = api.call("GET", "/models/" + ref.full(), "show the model " + ref.full());
    json m = json::parse(r.body, nullptr, false);
    if (m.is_object() && m.contains("latest_version")) version = m["latest_version"];
  }
  InputSchema s;
  if (!version.is_object()) return s;
  const json* input = nullptr;
  try {
    input = &version.at("openapi_schema").at("components").at("schemas").at("Input").at("properties");
  } catch (const json::exception&) {
    return s;  // no schema published: the caller sends what it has
  }
  for (auto it = input->begin(); it != input->end(); ++it) {
    s.properties.push_back(it.key());
    if (it.key() == "num_outputs" && it->is_object() && it->contains("maximum") && (*it)["maximum"].is_number_integer())
      s.max_outputs = std::max(1, (*it)["maximum"].get<int>());
  }
  return s;
}

}  // namespace photoagent::services::replicate
