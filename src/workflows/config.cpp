#include "photoagent/workflows/config.hpp"

#include <nlohmann/json.hpp>

#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/paths.hpp"
#include "photoagent/util/text_check.hpp"

namespace photoagent::workflows {
using nlohmann::json;

const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys{
      {"default_project", "project used when a command names none (set by 'project use')", ""},
      {"sendgrid.from", "sender address of notification emails (a verified SendGrid sender)", ""},
      {"sendgrid.to", "default recipient of notification emails", ""},
      {"categories.person", "photo categories of person projects", "headshot,half-body,full-body,profile,candid"},
      {"categories.product", "photo categories of product projects", "front,back,side,detail,in-use"},
      {"upload.max_side", "long side of stored photos in pixels (--max-side)", "1536"},
      {"upload.recommended", "photos a project should have for training", "15"},
      {"upload.minimum", "photos a project needs before training", "10"},
      {"caption.model", "Replicate model that captions photos (--auto-caption)", "salesforce/blip"},
      {"caption.input", "extra input of the caption model, JSON", R"({"task":"image_captioning"})"},
      {"caption.image_field", "the caption model's image input", "image"},
      {"tags.model", "Replicate instruction model that proposes tags (--auto-tags)", "meta/meta-llama-3-8b-instruct"},
      {"tags.prompt", "the tag request; {caption} is replaced",
       "List 3 to 6 short lowercase tags, comma-separated, for a photo described as: {caption}"},
      {"replicate.creates_per_minute", "client-side limit on prediction creates (Replicate allows 600)", "600"},
      {"replicate.wait_seconds", "Prefer: wait=N on creates (1-60)", "60"},
      {"train.trainer", "trainer used by 'train' (see trainers)", "flux"},
      {"trainers", "extra or changed trainers, JSON object (see README)", ""},
      {"prices", "per-second hardware prices in dollars, JSON object (overrides the built-in table)", ""},
      {"train.destination_hardware", "hardware of the Replicate model a training creates", "cpu"},
      {"train.watch_hours", "how long a detached watcher follows a training at most", "12"},
      {"styles", "extra or changed style presets, JSON object (see generate --list-styles)", ""},
      {"generate.model", "model for projects without a trained version (OWNER/NAME[:VERSION])", "black-forest-labs/flux-schnell"},
      {"generate.format", "output format asked of models: png, jpg or webp", "png"},
      {"generate.concurrency", "predictions in flight at once in a batch", "8"},
      {"generate.max_cost", "spend cap of one generate run in dollars (--max-cost); empty: none", ""},
      {"generate.max_predictions", "cap on predictions one generate run creates (--max-predictions); empty: none", ""},
      {"generate.estimate_seconds", "run time per image assumed for caps of models billed by the second", "10"},
      {"train.max_cost", "spend cap of one training in dollars (--max-cost); empty: none", ""},
      {"train.max_predictions", "cap on paid jobs one train run starts (--max-predictions); empty: none", ""},
      {"upscale.model", "model behind --upscale", "nightmareai/real-esrgan"},
      {"face_restore.model", "model behind --face-restore", "sczhou/codeformer"},
      {"embed.model", "CLIP model on Replicate that embeds images and queries for search --semantic (OWNER/NAME:VERSION)",
       "krthr/clip-embeddings:1c0371070cb827ec3c7f2f28adcdde54b50dcd239aa6faea0bc98b174ef03fb4"},
      {"embed.auto", "embed photos at upload and outputs at generation (true or false; paid)", "false"},
      {"limits.max_megapixels", "refuse images larger than this (megapixels, at most 100)", "100"},
      {"limits.max_side", "refuse images with a side longer than this (pixels, at most 20000)", "20000"},
      {"limits.max_file_mb", "refuse files larger than this (MB, at most 50)", "50"},
      {"download.max_output_mb", "largest generated output photoagent downloads (MiB)", "200"},
      {"download.max_weights_mb", "largest trained-weights archive photoagent downloads (MiB)", "20480"},
      {"download.output_deadline_s", "longest one output download may take (seconds)", "300"},
      {"download.weights_deadline_s", "longest the weights download may take (seconds)", "1800"},
  };
  return keys;
}

struct Config::Data {
  json values = json::object();
};

Config::Config(std::filesystem::path file, const util::Env& env)
    : file_(std::move(file)), env_(&env), data_(std::make_unique<Data>()) {
  util::tighten_dir(file_.parent_path());  // the profile folder holds tokens: 0700
  if (!std::filesystem::exists(file_)) return;
  json j = json::parse(util::read_file(file_, 4u << 20), nullptr, false);
  if (!j.is_object())
    throw util::failure(file_.string() + " is not a JSON object",
                        "Fix or remove it; 'photoagent config list' shows what it should hold.");
  data_->values = std::move(j);
}
Config::~Config() = default;
Config::Config(Config&&) noexcept = default;
Config& Config::operator=(Config&&) noexcept = default;

std::optional<std::string> Config::get(const std::string& key) const {
  auto it = data_->values.find(key);
  if (it == data_->values.end()) return std::nullopt;
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string Config::get_or_default(const std::string& key) const {
  if (auto v = get(key)) return *v;
  for (const auto& k : config_keys())
    if (k.name == key) return k.default_value;
  return "";
}

void Config::set(const std::string& key, const std::string& value) {
  bool known = false;
  for (const auto& k : config_keys()) known = known || k.name == key;
  if (!known)
    throw util::usage_error("'" + util::excerpt(key) + "' is not a configuration key",
                            "See the keys with 'photoagent config list --all'.");
  util::check_text("the value of " + key, value);  // the file is JSON: UTF-8, and a NUL would cut the value
  data_->values[key] = value;
  save();
}

bool Config::unset(const std::string& key) {
  if (data_->values.erase(key) == 0) return false;
  save();
  return true;
}

long Config::get_number(const std::string& key, long min, long max) const {
  const std::string v = get_or_default(key);
  try {
    std::size_t used = 0;
    long n = std::stol(v, &used);
    if (used == v.size() && n >= min && n <= max) return n;
  } catch (...) {
  }
  throw util::usage_error("config " + key + " is '" + v + "', not a number from " + std::to_string(min) + " to " +
                              std::to_string(max),
                          "Fix it with 'photoagent config set " + key + " N'.");
}

std::vector<std::pair<std::string, std::string>> Config::entries() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto it = data_->values.begin(); it != data_->values.end(); ++it)
    out.emplace_back(it.key(), it->is_string() ? it->get<std::string>() : it->dump());
  return out;
}

void Config::save() const {
  util::ensure_private_dir(file_.parent_path());
  util::write_file_atomic(file_, data_->values.dump(2) + "\n", 0644);
}

}  // namespace photoagent::workflows
