#pragma once
// generate --rerun ID: which flags go with it, and the overrides it takes.

#include "generate.hpp"
#include "photoagent/workflows/rerun.hpp"

namespace photoagent::cli {

// util::Error (usage) for a flag that would change a rerun other than by
// --seed, --prompt or --style, for --rerun with prompts or a batch, and for
// --prompt without --rerun.
void check_rerun(const GenerateOptions& o);

workflows::RerunOverrides rerun_overrides(const GenerateOptions& o);

}  // namespace photoagent::cli
