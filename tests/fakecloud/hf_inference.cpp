// Hugging Face text-to-image inference (hf_sendgrid.md §5), and which
// providers serve which model.
//
// POST /hf-inference/models/{ns}/{name} with {"inputs": prompt, "parameters": {...}}
// answers the raw image (image/jpeg, as the real recordings show) for the
// models deployed on hf-inference (`hf_inference_models`), 400 "Model not
// supported by provider hf-inference" for other models (the router's answer
// as measured in 2026), 404 "Model X does not exist" for names the Hub does
// not know, and 503 "currently loading" with estimated_time while
// `hf_loading_count` (config) lasts.
//
// A few public models exist without anyone creating them, with their
// inference providers (model info `?expand[]=inferenceProviderMapping`):
// FLUX is served by fal-ai, Replicate and Together, not by hf-inference.
#include "hf_common.hpp"
#include "replicate.hpp"

namespace fakecloud {
namespace {

json mapping(const char* provider_id) {
  return {{"status", "live"}, {"providerId", provider_id}, {"task", "text-to-image"}};
}

struct PublicModel {
  json info;       // model info as GET /api/models/{id} answers it
  json providers;  // inference providers other than hf-inference
};

PublicModel public_model(const std::string& id, const json& gated, const json& providers) {
  const std::string ns = id.substr(0, id.find('/'));
  return {{{"_id", sha256_hex("model:" + id).substr(0, 24)},
           {"id", id},
           {"modelId", id},
           {"author", ns},
           {"sha", sha256_hex("sha:" + id).substr(0, 40)},
           {"private", false},
           {"gated", gated},
           {"disabled", false},
           {"pipeline_tag", "text-to-image"},
           {"library_name", "diffusers"},
           {"tags", json::array({"diffusers", "text-to-image"})},
           {"downloads", 0},
           {"likes", 0},
           {"siblings", json::array({{{"rfilename", "README.md"}}, {{"rfilename", "model_index.json"}}})},
           {"spaces", json::array()},
           {"createdAt", "2024-08-01T00:00:00.000Z"},
           {"lastModified", "2024-08-16T00:00:00.000Z"}},
          providers};
}

const std::map<std::string, PublicModel>& catalog() {
  static const std::map<std::string, PublicModel> models = [] {
    std::map<std::string, PublicModel> m;
    auto add = [&m](const std::string& id, const json& gated, const json& providers) {
      m.emplace(id, public_model(id, gated, providers));
    };
    add("black-forest-labs/FLUX.1-schnell", false,
        {{"fal-ai", mapping("fal-ai/flux/schnell")},
         {"replicate", mapping("black-forest-labs/flux-schnell")},
         {"together", mapping("black-forest-labs/FLUX.1-schnell")}});
    add("black-forest-labs/FLUX.1-dev", "auto",
        {{"fal-ai", mapping("fal-ai/flux/dev")},
         {"replicate", mapping("black-forest-labs/flux-dev")},
         {"together", mapping("black-forest-labs/FLUX.1-dev")}});
    // Served by hf-inference through `hf_inference_models` (its default).
    add("stabilityai/stable-diffusion-3-medium-diffusers", "auto", json::object());
    return m;
  }();
  return models;
}

}  // namespace

const json* hf_catalog_model(const std::string& id) {
  auto it = catalog().find(id);
  return it == catalog().end() ? nullptr : &it->second.info;
}

bool hf_inference_serves(const App& app, const std::string& id) {
  for (const auto& m : app.config.value("hf_inference_models", json::array()))
    if (m.is_string() && m.get<std::string>() == id) return true;
  return false;
}

json hf_provider_mapping(const App& app, const std::string& id) {
  json out = json::object();
  if (auto it = catalog().find(id); it != catalog().end()) out = it->second.providers;
  if (hf_inference_serves(app, id)) out["hf-inference"] = mapping(id.c_str());
  return out;
}

void register_hf_inference(Router& r) {
  r.add("POST", "/hf-inference/models/{ns}/{name}", Auth::Hf, [](Ctx& c) {
    const std::string model = c.p("ns") + "/" + c.p("name");
    {
      std::lock_guard<std::mutex> lock(c.app.mu);
      if (!hf_catalog_model(model) && !c.app.state.hf.repos.count(model))
        return c.send_json(404, {{"error", "Model " + model + " does not exist"}});
      if (!hf_inference_serves(c.app, model))
        return c.send_json(400, {{"error", "Model not supported by provider hf-inference"}});
    }
    json body = json::parse(c.req.body, nullptr, false);
    if (!body.is_object() || !body.contains("inputs") || !body["inputs"].is_string())
      return c.send_json(422, {{"error", "Input validation error: `inputs` must be a string"},
                               {"error_type", "validation"}});
    {
      std::lock_guard<std::mutex> lock(c.app.mu);
      const long loading = c.app.cfg_long("hf_loading_count", 0);
      if (c.app.counters.named["hf_loading_answers"] < loading) {
        c.app.bump("hf_loading_answers");
        return c.send_json(503, {{"error", "Model " + model + " is currently loading"}, {"estimated_time", 1.0}});
      }
      c.app.bump("hf_images_generated");
    }
    const json params = body.value("parameters", json::object());
    const json seed_v = params.is_object() ? params.value("seed", json(0)) : json(0);
    const uint64_t seed = seed_v.is_number_integer() ? static_cast<uint64_t>(seed_v.get<int64_t>()) : 0;
    std::string type;
    std::string bytes = render_image("jpg", 64, 64, fnv1a(body["inputs"].get<std::string>()) ^ seed, type);
    c.send_text(200, bytes, type.c_str());
  });
}

}  // namespace fakecloud
