#include "photoagent/services/huggingface/inference.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "photoagent/net/retry.hpp"
#include "photoagent/net/url.hpp"
#include "photoagent/services/json_read.hpp"
#include "photoagent/util/base64.hpp"
#include "photoagent/util/env.hpp"
#include "photoagent/util/error.hpp"

namespace photoagent::services::huggingface {
using nlohmann::json;

std::string inference_base_url() {
  if (auto v = util::env("PHOTOAGENT_HF_INFERENCE_URL")) return net::checked_base_url(*v, "PHOTOAGENT_HF_INFERENCE_URL");
  return "https://router.huggingface.co";
}

std::string text_to_image(const Api& api, const std::string& repo, const std::string& body_json) {
  for (int attempt = 1;; ++attempt) {
    net::Request req;
    req.method = "POST";
    req.url = api.base() + "/hf-inference/models/" + repo;
    req.body = body_json;
    req.header("Content-Type", "application/json");
    req.header("Accept", "image/png");
    req.idempotent = false;  // each call spends inference credits
    req.stall_timeout = std::chrono::seconds(120);
    net::Response r;
    try {
      r = api.raw(std::move(req));
    } catch (const net::TransportError& e) {
      throw_unreachable(Service::huggingface, e);
    }
    if (r.status == 503 && attempt < 4) {
      // "Model X is currently loading": wait as told, capped, and ask again.
      const json j = parse_answer_lenient(r.body);
      double wait = j.is_object() && j.contains("estimated_time") && j["estimated_time"].is_number()
                        ? j["estimated_time"].get<double>()
                        : 5.0;
      api.client().sleep(std::chrono::milliseconds(static_cast<long long>(std::clamp(wait, 1.0, 60.0) * 1000)));
      continue;
    }
    if (r.status < 200 || r.status >= 300) throw_http_error(Service::huggingface, r, "generate with " + repo);
    const std::string type = r.header("content-type").value_or("");
    if (type.rfind("application/json", 0) != 0) return r.body;
    const json j = parse_answer_lenient(r.body);
    if (j.is_object() && j.contains("data") && j["data"].is_array() && !j["data"].empty() &&
        j["data"][0].is_object() && j["data"][0].contains("b64_json") && j["data"][0]["b64_json"].is_string())
      if (auto bytes = util::base64_decode(j["data"][0]["b64_json"].get<std::string>())) return *bytes;
    throw util::remote_error("Hugging Face answered " + repo + " with JSON but no image");
  }
}

}  // namespace photoagent::services::huggingface
