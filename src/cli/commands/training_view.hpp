#pragma once
// How a training is shown (table row, JSON object), and resolving the ids
// people type (t12, 12, or Replicate's id). Shared by train and status.

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "../context.hpp"
#include "photoagent/workflows/training.hpp"

namespace photoagent::cli {

store::TrainingRow resolve_training(Context& ctx, const std::string& ref);
// True when `ref` looks like a training id rather than a project name.
bool looks_like_training_ref(Context& ctx, const std::string& ref);

nlohmann::json training_json(Context& ctx, const store::TrainingRow& row);
std::vector<std::string> training_cells(Context& ctx, const store::TrainingRow& row);
std::vector<std::string> training_headers();

// Services for the training workflows: Replicate (required) plus whatever
// of Hugging Face and SendGrid is configured.
workflows::Services training_services(Context& ctx);

}  // namespace photoagent::cli
