#pragma once
// Style presets are data: a prompt template (with {trigger} and {prompt}),
// a negative prompt, an aspect ratio, input defaults and optionally an extra
// LoRA. Built-ins cover the web apps' presets; config key `styles` (a JSON
// object) adds or overrides them.

#include <string>
#include <vector>

#include "photoagent/workflows/config.hpp"

namespace photoagent::workflows {

struct Style {
  std::string name;
  std::string description;
  std::string prompt;    // template: {trigger}, {prompt}
  std::string negative;  // sent only to models that take negative_prompt
  std::string aspect_ratio;
  std::string inputs;      // JSON object of input defaults
  std::string extra_lora;  // e.g. a style LoRA (trained Flux models accept extra_lora)
};

std::vector<Style> list_styles(const Config& config);
// Throws util::Error (exit 2) naming the styles when `name` is unknown.
Style find_style(const Config& config, const std::string& name);

// The final prompt: the style's template filled in, or the prompt itself
// (with the trigger word put first when it is missing) when there is no style.
std::string render_prompt(const Style* style, const std::string& trigger, const std::string& prompt);

}  // namespace photoagent::workflows
