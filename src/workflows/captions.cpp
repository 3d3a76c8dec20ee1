#include "photoagent/workflows/captions.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <nlohmann/json.hpp>

#include "photoagent/image/prepare.hpp"
#include "photoagent/services/replicate/model_ref.hpp"
#include "photoagent/util/base64.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/printable.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/util/worker_pool.hpp"
#include "photoagent/workflows/categories.hpp"

namespace photoagent::workflows {
using nlohmann::json;

CaptionSettings caption_settings(const Config& config) {
  CaptionSettings s;
  s.caption_model = services::replicate::parse_model_ref(config.get_or_default("caption.model"));
  s.caption_input = config.get_or_default("caption.input");
  if (!json::parse(s.caption_input, nullptr, false).is_object())
    throw util::usage_error("config caption.input must be a JSON object, not '" + s.caption_input + "'");
  s.image_field = config.get_or_default("caption.image_field");
  s.tags_model = services::replicate::parse_model_ref(config.get_or_default("tags.model"));
  s.tags_prompt = config.get_or_default("tags.prompt");
  s.wait_seconds = static_cast<int>(config.get_number("replicate.wait_seconds", 1, 60));
  return s;
}

std::string clean_caption(const std::string& text) {
  // A model's words: no terminal controls or stray bytes reach the database,
  // the table or the training zip (util::printable_line).
  std::string c = util::trim(util::printable_line(text));
  for (const char* prefix : {"Caption:", "caption:", "Answer:"})
    if (c.starts_with(prefix)) c = util::trim(c.substr(std::string_view(prefix).size()));
  while (!c.empty() && (c.back() == '.' || c.back() == ' ')) c.pop_back();
  std::replace(c.begin(), c.end(), '\n', ' ');
  return c;
}

std::string parse_tags(const std::string& text) {
  std::string t = util::trim(text);
  if (auto colon = t.find(':'); colon != std::string::npos && colon < 12) t = t.substr(colon + 1);
  std::string cleaned;
  for (char c : t) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == ' ' || c == ',') cleaned += static_cast<char>(std::tolower(u));
    else if (c == '\n' || c == ';') cleaned += ',';
  }
  auto tags = util::split(normalise_tags(cleaned), ',');
  if (tags.size() > 8) tags.resize(8);
  return util::join(tags, ",");
}

namespace {

std::string thumbnail_data_uri(const std::filesystem::path& file) {
  const std::string bytes = util::read_file(file, 64u << 20);
  image::PrepareOptions o;
  o.max_side = 512;  // enough to describe; small enough to send inline (<256 KB)
  o.jpeg.quality = 85;
  auto thumb = image::prepare(std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()), o);
  return "data:image/jpeg;base64," +
         util::base64_encode(std::string_view(reinterpret_cast<const char*>(thumb.jpeg.data()), thumb.jpeg.size()));
}

std::string run_text(PredictionRunner& runner, const std::string& purpose, const services::replicate::ModelRef& model,
                     const std::string& input, const store::Project& project, const store::Image& img, int wait) {
  RunSpec spec;
  spec.purpose = purpose;
  spec.model = model;
  spec.input_json = input;
  spec.key = prediction_key(purpose, model, input);
  spec.project_id = project.id;
  spec.image_id = img.id;
  spec.wait_seconds = wait;
  spec.max_poll = std::chrono::minutes(5);
  auto row = runner.run(spec);
  if (row.status == store::PredictionStatus::succeeded) return output_text(row.output);
  if (store::settled(row.status))
    throw util::remote_error(model.full() + " " + store::to_string(row.status) + (row.error.empty() ? "" : ": " + row.error));
  throw util::remote_error(model.full() + " is still running (prediction " + row.replicate_id + ")",
                           "Run the upload again later to collect it; nothing is paid twice.");
}

}  // namespace

std::vector<CaptionOutcome> auto_caption(store::Database& db, PredictionRunner& runner, const CaptionSettings& s,
                                         const store::Project& project, const std::vector<store::Image>& images,
                                         bool captions, bool tags, const CaptionProgress& progress, unsigned jobs) {
  std::vector<CaptionOutcome> out(images.size());
  auto caption_one = [&](std::size_t i) {
    const auto& img = images[i];
    auto& o = out[i];
    std::string description = img.caption;
    if (captions || description.empty()) {
      json input = json::parse(s.caption_input);
      input[s.image_field] = thumbnail_data_uri(db.data_dir() / img.path);
      description =
          clean_caption(run_text(runner, "caption", s.caption_model, input.dump(), project, img, s.wait_seconds));
      if (description.empty()) throw util::remote_error(s.caption_model.full() + " returned an empty caption");
    }
    if (captions) {
      // The trainer learns the subject from the trigger word in captions.
      o.caption =
          description.find(project.trigger) == std::string::npos ? project.trigger + ", " + description : description;
      store::ImageEdit edit;
      edit.caption = o.caption;
      store::update_image(db, img.id, edit);  // kept even if tagging fails next
    }
    if (tags) {
      std::string prompt = s.tags_prompt;
      if (auto at = prompt.find("{caption}"); at != std::string::npos) prompt.replace(at, 9, description);
      json input = {{"prompt", prompt}, {"max_tokens", 64}, {"temperature", 0.2}};
      auto found = parse_tags(run_text(runner, "tags", s.tags_model, input.dump(), project, img, s.wait_seconds));
      o.tags = normalise_tags(img.tags + "," + found);
      store::ImageEdit edit;
      edit.tags = o.tags;
      store::update_image(db, img.id, edit);
    }
  };
  util::ItemDoneCallback on_done;
  if (progress) on_done = [&](const util::ItemDone& d) { progress(d.done, d.total); };
  const auto pool = util::parallel_for_each(
      images.size(), jobs, [&](std::size_t i) { db.explained([&] { caption_one(i); }); }, on_done);

  for (std::size_t i = 0; i < images.size(); ++i) {
    out[i].image_id = images[i].id;
    out[i].file = images[i].original_name;
    const auto& item = pool.items[i];
    if (item.state == util::ItemState::not_started) out[i].error = "interrupted";
    else if (item.state != util::ItemState::succeeded) out[i].error = item.error;
  }
  return out;
}

}  // namespace photoagent::workflows
