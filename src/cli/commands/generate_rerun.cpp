#include "generate_rerun.hpp"

#include "photoagent/util/error.hpp"
#include "photoagent/util/text_check.hpp"

namespace photoagent::cli {

void check_rerun(const GenerateOptions& o) {
  if (o.rerun.empty()) {
    if (!o.prompt.empty())
      throw util::usage_error("--prompt goes with --rerun; a new generation takes its prompt as the argument",
                              "e.g. photoagent generate --rerun g12 --prompt \"on a sailboat\"");
    return;
  }
  auto refuse = [&](const std::string& what) {
    throw util::usage_error("--rerun " + util::excerpt(o.rerun) + " repeats that generation as it was; " + what,
                            "Only --seed, --prompt and --style change a rerun; for anything else run generate anew.");
  };
  if (!o.args.empty() || !o.project.empty()) refuse("it takes no project or prompt arguments (use --prompt)");
  if (!o.batch.empty() || !o.collect.empty() || !o.shard.empty()) refuse("not with --batch, --collect or --shard");
  const auto& r = o.request;
  const std::pair<bool, const char*> changed[] = {
      {!r.model.empty(), "--model"},       {r.n != 1, "-n"},
      {!r.aspect.empty(), "--aspect"},     {r.steps > 0, "--steps"},
      {r.guidance >= 0, "--guidance"},     {r.lora_scale.has_value(), "--lora-scale"},
      {!r.extra_lora.empty(), "--extra-lora"}, {!r.negative.empty(), "--negative"},
      {!r.format.empty(), "--format"},     {!o.inputs.empty(), "--input"},
      {r.upscale, "--upscale"},            {r.face_restore, "--face-restore"},
      {!r.provider.empty(), "--provider"}, {!o.contact_sheet.empty(), "--contact-sheet"}};
  for (const auto& [set, flag] : changed)
    if (set) refuse(std::string(flag) + " would change it");
}

workflows::RerunOverrides rerun_overrides(const GenerateOptions& o) {
  workflows::RerunOverrides v;
  v.seed = o.request.seed;
  if (!o.prompt.empty()) v.prompt = o.prompt;
  if (!o.request.style.empty()) v.style = o.request.style;
  return v;
}

}  // namespace photoagent::cli
