#pragma once
// Private to generation (src/workflows/generate_*.cpp).

#include <string>
#include <utility>

#include "photoagent/services/api.hpp"

namespace photoagent::workflows {

// "3:4" -> 768x1024 (long side 1024, multiples of 8); util::Error (usage) else.
std::pair<int, int> hf_image_size(const std::string& aspect);

// hf-inference serves few models: asks the Hub once per model and process,
// and throws a clear error naming the providers that do serve it.
void check_hf_inference(const services::Api& inference, const std::string& model);

}  // namespace photoagent::workflows
