#include "training_notice.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "photoagent/util/escape.hpp"

namespace photoagent::workflows {
using nlohmann::json;
using util::html_escape;
using util::markdown_code;

namespace {

std::string money(double usd) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "$%.2f", usd);
  return buf;
}

std::string duration(double seconds) {
  if (seconds < 0) return "unknown";
  const long s = std::lround(seconds);
  return s >= 3600 ? std::to_string(s / 3600) + "h " + std::to_string(s % 3600 / 60) + "m"
                   : std::to_string(s / 60) + "m " + std::to_string(s % 60) + "s";
}

// A Python string literal: JSON's escapes are valid Python.
std::string py(const std::string& s) { return json(s).dump(-1, ' ', true, json::error_handler_t::replace); }

// A single-quoted shell word.
std::string sh(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string model_card(const store::TrainingRow& row, const Trainer& trainer, const std::string& repo) {
  json input = json::parse(row.input, nullptr, false);
  if (input.is_object()) input.erase(trainer.input_name("images"));  // an expiring upload URL, not a setting
  std::string trigger;
  if (input.is_object())
    if (auto t = input.find(trainer.input_name("trigger")); t != input.end() && t->is_string()) trigger = t->get<std::string>();
  const std::string inputs = input.is_discarded() ? "{}" : input.dump(2, ' ', false, json::error_handler_t::replace);

  std::string card;
  card += "---\nbase_model: " + util::yaml_scalar(trainer.base_model) + "\nlicense: other\ninstance_prompt: " +
          util::yaml_scalar(trigger) + "\ntags:\n- lora\n- text-to-image\n- photoagent\n---\n\n";
  card += "# " + util::markdown_text(row.project) + " LoRA\n\nA LoRA of **" + util::markdown_text(row.project) +
          "**, trained with photoagent on Replicate (" + markdown_code(row.trainer_model) + ", trainer version " +
          markdown_code(row.trainer_version) + ") from " + std::to_string(row.images) + " photos.\n\n";
  card += "Trigger word: " + markdown_code(trigger) + " (put it in every prompt).\n\n";
  card += "Replicate version: " + markdown_code(row.version) + "\n\n## Training inputs\n\n" +
          util::markdown_fence(inputs, "json") + "\n";
  card += "## Use it\n\nWith photoagent:\n\n" +
          util::markdown_fence("photoagent generate " + sh(row.project) + " " + sh(trigger + " on a sailboat at golden hour"),
                               "sh") +
          "\nWith diffusers:\n\n" +
          util::markdown_fence("import torch\nfrom diffusers import AutoPipelineForText2Image\n\n"
                               "pipe = AutoPipelineForText2Image.from_pretrained(" + py(trainer.base_model) +
                                   ", torch_dtype=torch.bfloat16).to(\"cuda\")\npipe.load_lora_weights(" + py(repo) +
                                   ", weight_name=\"lora.safetensors\")\nimage = pipe(" + py(trigger + " on a sailboat") +
                                   ").images[0]\n",
                               "python");
  return card;
}

services::sendgrid::Mail training_mail(const store::TrainingRow& row, double cost_usd, const std::string& hub_url) {
  services::sendgrid::Mail m;
  m.subject = "photoagent: " + row.project + " finished training";
  m.text = "Your LoRA of " + row.project + " is ready.\n\nModel: " + row.destination + "\nVersion: " + row.version +
           (hub_url.empty() ? "" : "\nHugging Face: " + hub_url) + "\nTraining time: " + duration(row.predict_time) +
           "\nCost: " + money(cost_usd) + "\n\nTry it: photoagent generate " + row.project + " \"...\"\n";
  m.html = "<p>Your LoRA of <b>" + html_escape(row.project) + "</b> is ready.</p><ul><li>Model: " +
           html_escape(row.destination) + "</li><li>Version: <code>" + html_escape(row.version) + "</code></li>" +
           (hub_url.empty() ? ""
                            : "<li>Hugging Face: <a href=\"" + html_escape(hub_url) + "\">" + html_escape(row.hf_repo) +
                                  "</a></li>") +
           "<li>Training time: " + duration(row.predict_time) + "</li><li>Cost: " + money(cost_usd) +
           "</li></ul><p>Try it: <code>photoagent generate " + html_escape(row.project) + " \"...\"</code></p>";
  return m;
}

}  // namespace photoagent::workflows
