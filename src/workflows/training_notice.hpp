#pragma once
// What photoagent writes about a finished training for others to read: the
// Hugging Face model card and the notification email. Every inserted string
// (API answers such as the version, config such as the base model, the
// trigger word) is escaped for where it lands (util/escape.hpp), so none can
// add YAML keys, open HTML tags or end a code block.

#include <string>

#include "photoagent/services/sendgrid.hpp"
#include "photoagent/store/trainings.hpp"
#include "photoagent/workflows/trainers.hpp"

namespace photoagent::workflows {

// README.md of the LoRA's repo: YAML front matter, then Markdown.
std::string model_card(const store::TrainingRow& row, const Trainer& trainer, const std::string& repo);

// The email for a succeeded training (subject, text and HTML; from/to
// filled by the caller). `hub_url` is "" when nothing was pushed.
services::sendgrid::Mail training_mail(const store::TrainingRow& row, double cost_usd, const std::string& hub_url);

}  // namespace photoagent::workflows
