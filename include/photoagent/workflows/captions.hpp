#pragma once
// --auto-caption and --auto-tags: paid predictions through the runner.
// A captioning model describes a small thumbnail of each photo (sent inline
// as a data URI); an instruction model turns the description into tags.
// Both models are configuration (caption.model, tags.model), not code.
// Failures are per photo: the photo stays, without the caption.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "photoagent/services/replicate/model_ref.hpp"
#include "photoagent/store/images.hpp"
#include "photoagent/store/projects.hpp"
#include "photoagent/workflows/config.hpp"
#include "photoagent/workflows/runner.hpp"

namespace photoagent::workflows {

struct CaptionSettings {
  services::replicate::ModelRef caption_model;
  std::string caption_input;  // JSON object the image is added to
  std::string image_field;
  services::replicate::ModelRef tags_model;
  std::string tags_prompt;  // with {caption}
  int wait_seconds = 60;
};
CaptionSettings caption_settings(const Config& config);

struct CaptionOutcome {
  std::int64_t image_id = 0;
  std::string file;
  std::string caption;  // as stored ("" when unchanged)
  std::string tags;     // as stored ("" when unchanged)
  std::string error;    // "" when it worked
};

// Called after each photo (done, total): from worker threads, one call at a time.
using CaptionProgress = std::function<void(std::size_t done, std::size_t total)>;

// Captions and/or tags each image (in parallel, `jobs` at a time) and
// stores the results; one outcome per image, in order. Ctrl-C stops it:
// photos not reached get the error "interrupted".
std::vector<CaptionOutcome> auto_caption(store::Database& db, PredictionRunner& runner,
                                         const CaptionSettings& settings, const store::Project& project,
                                         const std::vector<store::Image>& images, bool captions, bool tags,
                                         const CaptionProgress& progress = {}, unsigned jobs = 8);

// "Caption: a man, smiling." -> "a man, smiling" (model chatter removed).
std::string clean_caption(const std::string& model_text);
// "Tags: Beach, sun , beach!" -> "beach,sun" (at most 8, lower case).
std::string parse_tags(const std::string& model_text);

}  // namespace photoagent::workflows
