// Which inference providers serve a Hub model (hf_sendgrid.md §5): photoagent
// runs hf-inference only, which serves a small set of models; FLUX and Hub
// LoRAs go through other providers. Asking first turns a bare router 404
// into an answer that names who does serve the model.
#include "photoagent/services/huggingface/providers.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "detail.hpp"
#include "photoagent/services/json_read.hpp"
#include "photoagent/util/error.hpp"

namespace photoagent::services::huggingface {
using nlohmann::json;

namespace {

constexpr const char* kHfInference = "hf-inference";
constexpr const char* kTask = "text-to-image";

ProviderMapping one(const std::string& provider, const json& v) {
  return {provider, string_or_empty(v, "providerId"), string_or_empty(v, "task"), string_or_empty(v, "status")};
}

std::string listed(const std::vector<ProviderMapping>& v) {
  std::string out;
  for (const auto& m : v) out += (out.empty() ? "" : ", ") + m.provider;
  return out;
}

}  // namespace

std::vector<ProviderMapping> inference_providers(const Api& hub, const std::string& repo) {
  detail::check_repo_id(repo);
  net::Request req;
  req.url = hub.base() + "/api/models/" + repo + "?expand%5B%5D=inferenceProviderMapping";
  const std::string action = "look up the inference providers of " + repo;
  net::Response r;
  try {
    r = hub.raw(std::move(req));
  } catch (const net::TransportError& e) {
    throw_unreachable(Service::huggingface, e);
  }
  // The Hub hides private repos behind 404 (or 401 without a token).
  if (r.status == 404 || (r.status == 401 && !detail::says_bad_token(r)))
    throw util::not_found("the model " + repo + " does not exist on Hugging Face, or this token cannot see it",
                          "Check the repo id (OWNER/NAME) on https://huggingface.co/models.");
  if (r.status < 200 || r.status >= 300) detail::throw_error(r, action);
  return parse_provider_mapping(r.body);
}

std::vector<ProviderMapping> parse_provider_mapping(const std::string& body) {
  const json j = parse_answer(Service::huggingface, body, "the model info");
  JsonReader(Service::huggingface, j, "the model info").expect_object();
  std::vector<ProviderMapping> out;
  const json& mapping = j.contains("inferenceProviderMapping") ? j["inferenceProviderMapping"] : json();
  // Model info answers an object keyed by provider; model lists answer a list.
  if (mapping.is_object()) {
    for (const auto& [provider, v] : mapping.items()) out.push_back(one(provider, v));
  } else if (mapping.is_array()) {
    for (const auto& v : mapping)
      if (auto p = string_or_empty(v, "provider"); !p.empty()) out.push_back(one(p, v));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.provider < b.provider; });
  return out;
}

void require_hf_inference(const Api& hub, const std::string& repo) {
  const auto providers = inference_providers(hub, repo);
  const auto hf = std::find_if(providers.begin(), providers.end(), [](const auto& m) { return m.provider == kHfInference; });
  const std::string pick =
      "Pick a model hf-inference serves for text-to-image (e.g. stabilityai/stable-diffusion-3-medium-diffusers; "
      "the list: https://huggingface.co/models?inference_provider=hf-inference&pipeline_tag=text-to-image)";
  if (hf != providers.end()) {
    if (hf->task.empty() || hf->task == kTask) return;
    throw util::usage_error("hf-inference serves " + repo + " for " + hf->task + ", not " + kTask, pick + ".");
  }
  if (providers.empty())
    throw util::usage_error(repo + " is not served by any Hugging Face inference provider (a LoRA you pushed "
                                   "yourself is not, until a provider maps it)",
                            pick + ", or run your LoRA on Replicate without --provider.");
  std::string hint = pick;
  // Replicate's mapping is a Replicate model photoagent runs natively.
  for (const auto& m : providers)
    if (m.provider == "replicate" && !m.provider_id.empty())
      hint += ", or run it on Replicate: photoagent generate --model " +
              m.provider_id.substr(0, m.provider_id.find(':')) + " \"...\"";
  throw util::usage_error(repo + " is not deployed on hf-inference, the only Hugging Face provider photoagent runs; "
                                 "it is served by " + listed(providers),
                          hint + ".");
}

}  // namespace photoagent::services::huggingface
