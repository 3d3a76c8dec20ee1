#pragma once
// generate --rerun g12: a past generation again, exactly: the model and
// version it ran, its input as sent (so its seed too), unless an override
// names a field:
//   --seed N     the seed input, nothing else
//   --prompt T   the prompt input, rebuilt as the original was (its style
//                template, the project's trigger word) around T
//   --style S    the style preset applied again to the original prompt text:
//                the prompt template, and the negative prompt, aspect ratio,
//                inputs and extra LoRA that came from the old style (values
//                the user set apart from it stay)
// The rerun is a new prediction, keyed by the original and the final input,
// so the same --rerun run again pays nothing twice (like any generate).

#include <filesystem>
#include <optional>
#include <string>

#include "photoagent/services/replicate/models.hpp"
#include "photoagent/store/database.hpp"
#include "photoagent/store/predictions.hpp"
#include "photoagent/store/projects.hpp"
#include "photoagent/workflows/config.hpp"
#include "photoagent/workflows/generate.hpp"

namespace photoagent::workflows {

struct RerunOverrides {
  std::optional<long long> seed;
  std::optional<std::string> prompt;
  std::optional<std::string> style;
};

// The generation `ref` names: g12 (our id, as status and search show it) or
// Replicate's id. util::Error: not_found, or usage when it is no generation.
store::PredictionRow find_generation(store::Database& db, const std::string& ref);

// The project a generation belongs to, if any.
std::optional<store::Project> generation_project(store::Database& db, const store::PredictionRow& row);

// True for a generation made through Hugging Face inference.
bool is_hf_generation(const store::PredictionRow& row);

// The rerun as a planned prediction, written into `out_dir`. `schema`: the
// model's inputs (a style's input defaults it does not take are dropped);
// empty = take all. util::Error (usage) when the stored input cannot be sent
// again (it held a file or a secret) or an override cannot apply.
PlannedPrediction plan_rerun(store::Database& db, const Config& config, const store::PredictionRow& original,
                             const std::optional<store::Project>& project, const RerunOverrides& overrides,
                             const services::replicate::InputSchema& schema, const std::filesystem::path& out_dir);

}  // namespace photoagent::workflows
