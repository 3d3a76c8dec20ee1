#pragma once
// Which inference providers serve a Hub model (reference/hf_sendgrid.md §5).

#include <string>
#include <vector>

#include "photoagent/services/api.hpp"

namespace photoagent::services::huggingface {

// One inference provider serving a Hub model (the model's
// inferenceProviderMapping).
struct ProviderMapping {
  std::string provider;     // "hf-inference", "fal-ai", "replicate", ...
  std::string provider_id;  // the model's name at that provider
  std::string task;         // "text-to-image", ...
  std::string status;       // "live" | "staging"
};

// GET {hub}/api/models/REPO?expand[]=inferenceProviderMapping. `hub` is the
// Hub API (HF_ENDPOINT), not the inference router. Reads both shapes the Hub
// uses (an object keyed by provider, or a list).
std::vector<ProviderMapping> inference_providers(const Api& hub, const std::string& repo);
// The mappings in a model-info answer, sorted by provider (exposed for tests
// and fuzzing); util::Error (exit 5) when the body is not a JSON object.
std::vector<ProviderMapping> parse_provider_mapping(const std::string& body);

// Throws util::Error (exit 2) unless hf-inference serves REPO for
// text-to-image, naming the providers that do; a repo the token cannot see
// is exit 3. photoagent runs hf-inference only.
void require_hf_inference(const Api& hub, const std::string& repo);

}  // namespace photoagent::services::huggingface
