// Input validation against a version's openapi_schema, with the messages and
// invalid_fields types Replicate returns (it validates with gojsonschema).
#include <algorithm>

#include "replicate.hpp"

namespace fakecloud {
namespace {

const json* schemas_of(const json& openapi) {
  auto c = openapi.find("components");
  if (c == openapi.end()) return nullptr;
  auto s = c->find("schemas");
  return s == c->end() ? nullptr : &*s;
}

std::string given_type(const json& v) {
  if (v.is_number_integer()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_boolean()) return "boolean";
  if (v.is_null()) return "null";
  return v.type_name();
}

bool type_ok(const std::string& want, const json& v) {
  if (want == "integer") return v.is_number_integer() ||
                                (v.is_number_float() && v.get<double>() == static_cast<long>(v.get<double>()));
  if (want == "number") return v.is_number();
  if (want == "string") return v.is_string();
  if (want == "boolean") return v.is_boolean();
  if (want == "array") return v.is_array();
  if (want == "object") return v.is_object();
  return true;
}

json field(const std::string& type, const std::string& name, const std::string& description) {
  return json{{"type", type}, {"field", name}, {"description", description}};
}

}  // namespace

json schema_prop(const json& openapi, const char* schema_name, const std::string& prop) {
  const json* schemas = schemas_of(openapi);
  if (!schemas || !schemas->contains(schema_name)) return nullptr;
  const json& props = (*schemas)[schema_name].value("properties", json::object());
  if (!props.contains(prop)) return nullptr;
  json p = props[prop];
  if (p.contains("allOf"))
    for (const auto& part : p["allOf"]) {
      std::string ref = part.value("$ref", "");
      auto slash = ref.rfind('/');
      if (slash == std::string::npos) continue;
      std::string name = ref.substr(slash + 1);
      if (schemas->contains(name))
        for (auto& [k, v] : (*schemas)[name].items())
          if (!p.contains(k)) p[k] = v;
    }
  return p;
}

json check_input(const json& openapi, const char* schema_name, const json& input,
                 bool reject_unknown) {
  json errors = json::array();
  const json* schemas = schemas_of(openapi);
  if (!schemas || !schemas->contains(schema_name)) return errors;  // nothing to check against
  const json& s = (*schemas)[schema_name];
  if (!input.is_object()) {
    errors.push_back(field("invalid_type", "input",
                           "Invalid type. Expected: object, given: " + given_type(input)));
    return errors;
  }
  for (const auto& req : s.value("required", json::array()))
    if (req.is_string() && !input.contains(req.get<std::string>()))
      errors.push_back(field("required", "input", req.get<std::string>() + " is required"));
  const json& props = s.value("properties", json::object());
  for (const auto& [name, v] : input.items()) {
    std::string f = "input." + name;
    if (!props.contains(name)) {
      if (reject_unknown)
        errors.push_back(field("additional_property_not_allowed", "input",
                               "Additional property " + name + " is not allowed"));
      continue;
    }
    json p = schema_prop(openapi, schema_name, name);
    std::string want = jstr(p, "type", "");
    if (v.is_null()) continue;  // clients drop nulls; Cog treats null as "use the default"
    if (!want.empty() && !type_ok(want, v)) {
      errors.push_back(field("invalid_type", f,
                             "Invalid type. Expected: " + want + ", given: " + given_type(v)));
      continue;
    }
    if (p.contains("enum") && std::find(p["enum"].begin(), p["enum"].end(), v) == p["enum"].end()) {
      std::string list;
      for (const auto& e : p["enum"]) list += (list.empty() ? "" : ", ") + e.dump();
      errors.push_back(field("enum", f, name + " must be one of the following: " + list));
    }
    if (v.is_number()) {
      if (p.contains("minimum") && v.get<double>() < p["minimum"].get<double>())
        errors.push_back(field("number_gte", f,
                               "Must be greater than or equal to " + p["minimum"].dump()));
      if (p.contains("maximum") && v.get<double>() > p["maximum"].get<double>())
        errors.push_back(field("number_lte", f,
                               "Must be less than or equal to " + p["maximum"].dump()));
    }
  }
  return errors;
}

json with_defaults(const json& openapi, const char* schema_name, const json& input) {
  json out = input.is_object() ? input : json::object();
  const json* schemas = schemas_of(openapi);
  if (!schemas || !schemas->contains(schema_name)) return out;
  const json props = (*schemas)[schema_name].value("properties", json::object());  // named: items() must not outlive it
  for (const auto& [name, raw] : props.items()) {
    if (out.contains(name) && !out[name].is_null()) continue;
    json p = schema_prop(openapi, schema_name, name);  // folds allOf/$ref, where enum defaults live
    if (p.is_object() && p.contains("default")) out[name] = p["default"];
    else out.erase(name);  // null or absent with no default: the model gets None
  }
  return out;
}

void send_invalid_fields(const Ctx& c, const json& fields) {
  std::string detail;
  for (const auto& f : fields)
    detail += "- " + jstr(f, "field", "input") + ": " + jstr(f, "description", "") + "\n";
  replicate_problem(c, 422, detail, "Input validation failed", json{{"invalid_fields", fields}});
}

}  // namespace fakecloud
