#pragma once
// Replicate models and their versions (reference/replicate.md): the
// destinations of trainings, and the input a version takes.

#include <optional>
#include <string>
#include <vector>

#include "photoagent/services/api.hpp"
#include "photoagent/services/replicate/model_ref.hpp"

namespace photoagent::services::replicate {

// GET /models/{owner}/{name}: the latest version id ("" when it has none).
// Throws util::Error (exit 3) when the model does not exist.
std::string latest_version(const Api& api, const ModelRef& model);

struct Model {
  std::string owner, name, visibility, latest_version;
  bool is_official = false;  // runs through the model route without a version
};
// GET /models/{owner}/{name}; nothing when it does not exist (404).
std::optional<Model> find_model(const Api& api, const ModelRef& ref);
// The answer of GET /models/{owner}/{name} or POST /models; util::Error
// (exit 5) naming the field when it is not a model.
Model parse_model(const std::string& body);

// POST /models (201).
Model create_model(const Api& api, const std::string& owner, const std::string& name, const std::string& visibility,
                   const std::string& hardware, const std::string& description);

// Version ids of a model, newest first (every page of GET .../versions).
std::vector<std::string> list_versions(const Api& api, const ModelRef& model);
// DELETE .../versions/{id} (202: accepted, done within minutes).
void delete_version(const Api& api, const ModelRef& model, const std::string& version);
// DELETE /models/{owner}/{name} (204). Replicate deletes only private models
// without versions and answers 409 otherwise ("refused": delete the versions
// first; their deletion is accepted at once and done within minutes).
enum class ModelDeletion { deleted, missing, refused };
ModelDeletion delete_model(const Api& api, const ModelRef& model);

// The input a model version takes (its openapi_schema's Input): property
// names, and the most outputs one prediction may make (num_outputs maximum).
struct InputSchema {
  std::vector<std::string> properties;
  std::vector<std::string> uri_properties;  // those typed `format: uri` (a data URI is accepted)
  int max_outputs = 1;
  bool has(const std::string& name) const;
};
// The input schema in a version's answer, or in a model's `latest_version`
// when `is_model`; empty when none is published.
InputSchema parse_input_schema(const std::string& body, bool is_model);

// GET .../versions/{id} (or the model's latest version when the ref has none).
InputSchema input_schema(const Api& api, const ModelRef& ref);

}  // namespace photoagent::services::replicate
