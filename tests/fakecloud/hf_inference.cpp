// Hugging Face text-to-image inference (hf_sendgrid.md §5):
// POST /hf-inference/models/{ns}/{name} with {"inputs": prompt, "parameters": {...}}
// answers the raw image (image/jpeg, as the real recordings show), 404 for
// a model that "does not exist", and 503 "currently loading" with
// estimated_time while `hf_loading_count` (config) lasts.
#include "hf_common.hpp"
#include "replicate.hpp"

namespace fakecloud {

void register_hf_inference(Router& r) {
  r.add("POST", "/hf-inference/models/{ns}/{name}", Auth::Hf, [](Ctx& c) {
    const std::string model = c.p("ns") + "/" + c.p("name");
    if (model.find("does-not-exist") != std::string::npos)
      return c.send_json(404, {{"error", "Model " + model + " does not exist"}});
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
    const uint64_t seed = params.value("seed", json(0)).is_number_integer() ? params["seed"].get<uint64_t>() : 0;
    std::string type;
    std::string bytes = render_image("jpg", 64, 64, fnv1a(body["inputs"].get<std::string>()) ^ seed, type);
    c.send_text(200, bytes, type.c_str());
  });
}

}  // namespace fakecloud
