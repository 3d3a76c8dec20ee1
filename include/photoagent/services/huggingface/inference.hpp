#pragma once
// Hugging Face inference on the hf-inference provider (reference/hf_sendgrid.md §5).

#include <string>

#include "photoagent/services/api.hpp"

namespace photoagent::services::huggingface {

// The inference host: PHOTOAGENT_HF_INFERENCE_URL, else https://router.huggingface.co.
std::string inference_base_url();

// Text-to-image on Hugging Face's hf-inference provider (hf_sendgrid.md §5):
// POST {inference}/hf-inference/models/REPO with {"inputs", "parameters"}.
// Returns the image bytes (raw, or from a JSON b64_json answer). A model
// still loading (503 with estimated_time) is waited for, a few times.
std::string text_to_image(const Api& inference, const std::string& repo, const std::string& body_json);

}  // namespace photoagent::services::huggingface
