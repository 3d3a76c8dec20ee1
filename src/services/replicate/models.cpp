#include "photoagent/services/replicate/models.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "detail.hpp"
#include "photoagent/services/json_read.hpp"
#include "photoagent/util/error.hpp"

namespace photoagent::services::replicate {
using nlohmann::json;

Model parse_model(const std::string& body) {
  const json j = parse_answer(Service::replicate, body, "the model");
  const JsonReader model(Service::replicate, j, "the model");
  Model m;
  m.owner = model.opt_str("owner");
  m.name = model.str("name");
  m.visibility = model.opt_str("visibility");
  m.is_official = model.opt_bool("is_official").value_or(false);
  if (auto v = model.opt_object("latest_version")) m.latest_version = v->opt_str("id");
  return m;
}

std::string latest_version(const Api& api, const ModelRef& model) {
  return parse_model(api.call("GET", "/models/" + model.full(), "find the model " + model.full()).body).latest_version;
}

std::optional<Model> find_model(const Api& api, const ModelRef& ref) {
  auto r = api.call("GET", "/models/" + ref.full(), "show the model " + ref.full(), {}, {404});
  if (r.status == 404) return std::nullopt;
  return parse_model(r.body);
}

Model create_model(const Api& api, const std::string& owner, const std::string& name, const std::string& visibility,
                   const std::string& hardware, const std::string& description) {
  json body = {{"owner", owner}, {"name", name}, {"visibility", visibility}, {"hardware", hardware},
               {"description", description}};
  net::Request req;
  req.idempotent = false;
  auto r = api.call("POST", "/models", "create the model " + owner + "/" + name, body.dump(), {}, std::move(req));
  return parse_model(r.body);
}

std::vector<std::string> list_versions(const Api& api, const ModelRef& model) {
  std::vector<std::string> ids;
  std::string next;
  for (int page = 0; page < 100; ++page) {
    const json j = detail::get_page(api, "/models/" + model.full() + "/versions", next, "list the versions of " + model.full());
    if (auto r = j.find("results"); r != j.end() && r->is_array())
      for (const auto& v : *r)
        if (v.is_object() && !string_or_empty(v, "id").empty()) ids.push_back(string_or_empty(v, "id"));
    next = string_or_empty(j, "next");
    if (next.empty()) break;
  }
  return ids;
}

void delete_version(const Api& api, const ModelRef& model, const std::string& version) {
  if (version.empty() || version.find_first_of("/?#%") != std::string::npos)
    throw util::remote_error("Replicate listed a version id that is not one: '" + version + "'");
  api.call("DELETE", "/models/" + model.full() + "/versions/" + version, "delete version " + version + " of " + model.full());
}

ModelDeletion delete_model(const Api& api, const ModelRef& model) {
  const auto r = api.call("DELETE", "/models/" + model.full(), "delete the model " + model.full(), {}, {404, 409});
  return r.status == 404 ? ModelDeletion::missing : r.status == 409 ? ModelDeletion::refused : ModelDeletion::deleted;
}

bool InputSchema::has(const std::string& name) const {
  return std::find(properties.begin(), properties.end(), name) != properties.end();
}

InputSchema input_schema(const Api& api, const ModelRef& ref) {
  if (!ref.version.empty())
    return parse_input_schema(
        api.call("GET", "/models/" + ref.full() + "/versions/" + ref.version, "show " + ref.full() + ":" + ref.version)
            .body,
        false);
  return parse_input_schema(api.call("GET", "/models/" + ref.full(), "show the model " + ref.full()).body, true);
}

InputSchema parse_input_schema(const std::string& body, bool is_model) {
  const json j = parse_answer(Service::replicate, body, is_model ? "the model" : "the version");
  const json* version = &j;
  if (is_model) version = j.is_object() && j.contains("latest_version") ? &j["latest_version"] : nullptr;
  InputSchema s;
  if (version == nullptr || !version->is_object()) return s;
  // The schema is optional and free-form: anything but the expected shape
  // means "not published", and the caller sends what it has.
  const json* input = version;
  for (const char* key : {"openapi_schema", "components", "schemas", "Input", "properties"}) {
    auto it = input->find(key);
    if (it == input->end() || !it->is_object()) return s;
    input = &*it;
  }
  for (auto it = input->begin(); it != input->end(); ++it) {
    s.properties.push_back(it.key());
    if (it->is_object())
      if (auto f = it->find("format"); f != it->end() && f->is_string() && f->get<std::string>() == "uri")
        s.uri_properties.push_back(it.key());
    if (it.key() != "num_outputs" || !it->is_object()) continue;
    if (auto m = it->find("maximum"); m != it->end() && m->is_number_integer())
      s.max_outputs = static_cast<int>(std::clamp<std::int64_t>(m->get<std::int64_t>(), 1, 1000));
  }
  return s;
}

}  // namespace photoagent::services::replicate
