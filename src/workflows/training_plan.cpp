// The offline half of `train`: what would be sent, and what it would cost.

#include <cstdio>
#include <nlohmann/json.hpp>

#include "photoagent/store/images.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/text_check.hpp"
#include "photoagent/workflows/training.hpp"

namespace photoagent::workflows {
using nlohmann::json;

namespace {

// --input values are JSON when they parse as JSON (numbers, true, "text"),
// else plain strings, so `--input optimizer=prodigy` and `--input steps=500` both work.
json input_value(const std::string& text) {
  json v = json::parse(text, nullptr, false);
  return v.is_discarded() || v.is_object() || v.is_array() ? json(text) : v;
}

void set_mapped(json& input, const Trainer& t, const char* option, const json& value) {
  const std::string name = t.input_name(option);
  if (name.empty())
    throw util::usage_error("trainer '" + t.name + "' has no input for --" + option,
                            "Set it with --input NAME=VALUE, or add it to the trainer's \"inputs\" in config trainers.");
  input[name] = value;
}

}  // namespace

TrainPlan plan_training(store::Database& db, const Config& config, const store::Project& project,
                        const TrainRequest& req) {
  TrainPlan plan;
  plan.project = project;
  plan.trainer = find_trainer(config, req.trainer.empty() ? config.get_or_default("train.trainer") : req.trainer);
  const auto images = store::list_images(db, project.id);
  const long minimum = config.get_number("upload.minimum", 1, 1000);
  const long recommended = config.get_number("upload.recommended", 1, 1000);
  if (static_cast<long>(images.size()) < minimum)
    throw util::failure(project.name + " has " + std::to_string(images.size()) + " photos; training needs at least " +
                            std::to_string(minimum) + " (" + std::to_string(recommended) + " recommended)",
                        "Add photos: photoagent upload " + project.name + " PATH...");
  plan.images = static_cast<int>(images.size());

  // A flat zip with unique names: NNNN.jpg + NNNN.txt (replicate.md §7.3).
  int n = 0;
  for (const auto& img : images) {
    char stem[16];
    std::snprintf(stem, sizeof stem, "%04d", ++n);
    plan.zip.push_back({std::string(stem) + ".jpg", db.data_dir() / img.path, "", true});
    if (!img.caption.empty()) {
      // The trainer ties the subject to the trigger word through the captions.
      std::string caption = img.caption.find(project.trigger) == std::string::npos
                                ? project.trigger + ", " + img.caption
                                : img.caption;
      plan.zip.push_back({std::string(stem) + ".txt", {}, caption, false});
      ++plan.captioned;
    }
  }

  json input = json::parse(plan.trainer.defaults);
  set_mapped(input, plan.trainer, "trigger", project.trigger);
  if (!plan.trainer.input_name("autocaption").empty()) {
    // Autocaption only what has no caption; off when every photo has one.
    input[plan.trainer.input_name("autocaption")] = plan.captioned < plan.images;
    if (plan.captioned < plan.images && !plan.trainer.input_name("autocaption_prefix").empty())
      input[plan.trainer.input_name("autocaption_prefix")] = "a photo of " + project.trigger + ", ";
  }
  if (req.steps > 0) set_mapped(input, plan.trainer, "steps", req.steps);
  if (req.rank > 0) set_mapped(input, plan.trainer, "rank", req.rank);
  if (req.lr > 0) set_mapped(input, plan.trainer, "lr", req.lr);
  for (const auto& [k, v] : req.inputs) {
    util::check_text("an --input name", k);  // the input is JSON: UTF-8 only, refused before anything is sent
    util::check_text("--input " + util::excerpt(k), v);
    if (k == plan.trainer.input_name("images"))
      throw util::usage_error("--input " + k + " is set by photoagent (the uploaded zip)");
    if (k.find("token") != std::string::npos || k.find("key") != std::string::npos)
      throw util::usage_error("--input " + k + " looks like a secret; photoagent never hands credentials to a trainer",
                              "The Hugging Face push is done by photoagent itself (--hf-repo).");
    input[k] = input_value(v);
  }
  plan.input_json = input.dump();
  const std::string steps_name = plan.trainer.input_name("steps");
  plan.steps = !steps_name.empty() && input.contains(steps_name) && input[steps_name].is_number_integer()
                   ? input[steps_name].get<int>()
                   : 1000;
  plan.estimated_seconds = plan.steps * plan.trainer.seconds_per_step;
  plan.estimated_cost = plan.estimated_seconds * price_per_second(config, plan.trainer.hardware);
  plan.hf_repo = req.hf_repo.empty() ? project.hf_repo : req.hf_repo;
  plan.notify_to = req.notify_to.empty() ? config.get_or_default("sendgrid.to") : req.notify_to;
  return plan;
}

}  // namespace photoagent::workflows
