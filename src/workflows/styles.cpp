#include "photoagent/workflows/styles.hpp"

#include <nlohmann/json.hpp>

#include "data_table_detail.hpp"

#include "photoagent/util/error.hpp"
#include "photoagent/util/text_check.hpp"

namespace photoagent::workflows {
using nlohmann::json;

namespace {

const json& builtins() {
  static const json table = json::parse(R"({
    "headshot": {"description": "professional headshot, studio light",
      "prompt": "professional headshot photo of {trigger}, {prompt}, studio lighting, sharp focus, neutral grey background, 85mm lens",
      "negative": "blurry, deformed, extra fingers, watermark, text", "aspect_ratio": "3:4"},
    "full-body": {"description": "full-body portrait",
      "prompt": "full body photo of {trigger} standing, {prompt}, natural light, shot on 35mm",
      "negative": "cropped, deformed, extra limbs, blurry", "aspect_ratio": "2:3"},
    "linkedin": {"description": "LinkedIn / professional profile photo",
      "prompt": "professional LinkedIn profile photo of {trigger}, {prompt}, business attire, soft office background, confident friendly smile",
      "negative": "casual, messy, blurry, harsh shadows", "aspect_ratio": "1:1"},
    "instagram": {"description": "Instagram: candid, vibrant, golden hour",
      "prompt": "candid Instagram photo of {trigger}, {prompt}, vibrant colors, golden hour, shallow depth of field",
      "negative": "dull, overexposed, blurry", "aspect_ratio": "4:5"},
    "dating": {"description": "dating profile: natural and warm",
      "prompt": "natural dating profile photo of {trigger}, {prompt}, warm genuine smile, outdoors, soft daylight",
      "negative": "posed, stiff, heavy makeup, blurry", "aspect_ratio": "4:5"},
    "gym": {"description": "gym: muscular, lifting, workout, visible abs",
      "prompt": "fitness photo of {trigger}, {prompt}, muscular physique, lifting weights in a modern gym, workout, visible abs, dramatic lighting",
      "negative": "deformed, extra limbs, blurry", "aspect_ratio": "4:5"},
    "ghibli": {"description": "Ghibli-style hand-painted illustration",
      "prompt": "Studio Ghibli style illustration of {trigger}, {prompt}, hand-painted, soft pastel colors, whimsical, detailed background",
      "negative": "photo, realistic, 3d render", "aspect_ratio": "3:2", "inputs": {"lora_scale": 0.8}},
    "cinematic": {"description": "cinematic film still",
      "prompt": "cinematic film still of {trigger}, {prompt}, anamorphic lens, moody lighting, film grain, color graded",
      "negative": "flat lighting, cartoon", "aspect_ratio": "16:9"},
    "product-studio": {"description": "product: studio shot on white",
      "prompt": "professional product photo of {trigger}, {prompt}, seamless white background, softbox studio lighting, high detail, e-commerce",
      "negative": "clutter, shadows, low resolution", "aspect_ratio": "1:1"},
    "product-lifestyle": {"description": "product: in use, lifestyle setting",
      "prompt": "lifestyle product photo of {trigger}, {prompt}, in use in a bright modern home, natural light, editorial",
      "negative": "studio backdrop, low resolution", "aspect_ratio": "4:3"}
  })");
  return table;
}

json table(const Config& config) { return detail::table_with_overrides(config, "styles", builtins()); }

Style from(const std::string& name, const json& e) {
  Style s;
  s.name = name;
  s.description = e.value("description", "");
  s.prompt = e.value("prompt", "{trigger}, {prompt}");
  s.negative = e.value("negative", "");
  s.aspect_ratio = e.value("aspect_ratio", "");
  s.inputs = e.contains("inputs") && e["inputs"].is_object() ? e["inputs"].dump() : "{}";
  s.extra_lora = e.value("extra_lora", "");
  return s;
}

void replace_all(std::string& s, const std::string& what, const std::string& with) {
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + with.size())) s.replace(at, what.size(), with);
}

}  // namespace

std::vector<Style> list_styles(const Config& config) {
  std::vector<Style> out;
  const json t = table(config);
  for (auto it = t.begin(); it != t.end(); ++it) out.push_back(from(it.key(), *it));
  return out;
}

Style find_style(const Config& config, const std::string& name) {
  const json t = table(config);
  if (!t.contains(name)) {
    std::string names;
    for (auto it = t.begin(); it != t.end(); ++it) names += (names.empty() ? "" : ", ") + it.key();
    throw util::usage_error("no style named '" + util::excerpt(name) + "'", "Styles: " + names + " ('generate --list-styles').");
  }
  return from(name, t[name]);
}

std::string render_prompt(const Style* style, const std::string& trigger, const std::string& prompt) {
  if (style == nullptr) {
    if (trigger.empty() || prompt.find(trigger) != std::string::npos) return prompt;
    return trigger + " " + prompt;
  }
  std::string out = style->prompt;
  replace_all(out, "{trigger}", trigger.empty() ? "a person" : trigger);
  replace_all(out, "{prompt}", prompt);
  replace_all(out, ", ,", ",");
  return out;
}

}  // namespace photoagent::workflows
