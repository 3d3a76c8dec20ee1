// Running a planned generation and turning its outputs into files.

#include <new>
#include <nlohmann/json.hpp>

#include "photoagent/image/decode.hpp"
#include "photoagent/image/metadata.hpp"
#include "photoagent/image/sniff.hpp"
#include "photoagent/services/replicate/model_ref.hpp"
#include "photoagent/store/images.hpp"
#include "photoagent/util/base64.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/hash.hpp"
#include "photoagent/util/paths.hpp"
#include "photoagent/util/time.hpp"
#include "photoagent/workflows/batch_state.hpp"
#include "photoagent/workflows/download.hpp"
#include "photoagent/workflows/generate.hpp"
#include "photoagent/workflows/output_names.hpp"
#include "photoagent/workflows/trainers.hpp"

namespace photoagent::workflows {
using nlohmann::json;
namespace fs = std::filesystem;
namespace rep = services::replicate;

namespace {

std::vector<std::string> output_urls(const std::string& output_json) {
  json o = json::parse(output_json, nullptr, false);
  std::vector<std::string> urls;
  if (o.is_string()) urls.push_back(o.get<std::string>());
  if (o.is_array())
    for (const auto& x : o)
      if (x.is_string()) urls.push_back(x.get<std::string>());
  return urls;
}

const char* extension(image::Format f) {
  switch (f) {
    case image::Format::png: return "png";
    case image::Format::jpeg: return "jpg";
    case image::Format::webp: return "webp";
    default: return nullptr;
  }
}

// A file name that is ours (no path from the network) and never overwrites
// a different picture: NAME.ext, else NAME-2.ext, ...
fs::path free_name(const fs::path& dir, const std::string& stem, const char* ext, const std::string& sha) {
  for (int i = 1;; ++i) {
    fs::path p = dir / (stem + (i == 1 ? "" : "-" + std::to_string(i)) + "." + ext);
    std::error_code ec;
    if (!fs::exists(p, ec)) return p;
    if (util::sha256_file(p) == sha) return p;  // already there: nothing to write
  }
}


}  // namespace

// A download that found the output gone (404/410 from the delivery host).
struct OutputGone : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string Generator::save_output(std::string bytes, const store::PredictionRow& row, const fs::path& dir,
                                   const std::string& stem, const std::string& prompt, store::Image* cached) {
  const auto format = image::sniff(std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()));
  const char* ext = extension(format);
  if (ext == nullptr) throw util::remote_error(stem + " is not a PNG, JPEG or WebP image");
  image::ImageInfo info;
  try {
    image::DecodeOptions opts;
    opts.allow_webp = true;
    info = image::probe(std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()), opts);
  } catch (const util::Error& e) {
    throw util::remote_error(stem + " is damaged: " + e.message());
  }
  // The file carries how it was made (PNG iTXt / JPEG comment / WebP XMP).
  const json meta = {{"prompt", prompt}, {"model", row.model}, {"version", row.version},
                     {"replicate_id", row.replicate_id}, {"input", json::parse(row.input, nullptr, false)},
                     {"made_by", "photoagent " PHOTOAGENT_VERSION}};
  try {
    bytes = image::embed_text_metadata(bytes, "photoagent", meta.dump());
  } catch (const util::Error& e) {
    throw util::remote_error(stem + " is damaged: " + e.message());
  }
  util::ensure_dir(dir, 0755);
  const std::string sha = util::sha256_hex(bytes);
  // --overwrite: the name as given, whatever is there; else never a different picture.
  const fs::path file = overwrite_ ? dir / (stem + "." + ext) : free_name(dir, stem, ext, sha);
  if (!fs::exists(file) || (overwrite_ && util::sha256_file(file) != sha)) util::write_file_atomic(file, bytes, 0644);
  if (project_ && cached != nullptr) {
    // Also in the cache, so search finds it even if the folder goes away.
    // Kept apart from the project's photos (source "generated").
    cached->project_id = project_->id;
    cached->sha256 = sha;
    cached->source_sha256 = sha;
    cached->original_name = file.filename().string();
    cached->bytes = static_cast<std::int64_t>(bytes.size());
    cached->width = static_cast<int>(info.width);
    cached->height = static_cast<int>(info.height);
    cached->caption = prompt;
    cached->source = "generated";
    cached->created_at = util::now_iso8601();
    cached->path = store::write_blob(db_.data_dir(), sha, ext, bytes);
  }
  return file.string();
}

std::vector<std::string> Generator::download_outputs(const store::PredictionRow& row, const fs::path& dir,
                                                     const std::string& stem, const std::string& prompt,
                                                     const std::function<std::string(std::size_t)>& name_of) {
  std::vector<std::string> written;
  std::vector<store::Image> cached;
  const auto urls = output_urls(row.output);
  if (urls.empty()) throw OutputGone("no output");
  for (std::size_t i = 0; i < urls.size(); ++i) {
    std::string bytes;
    if (urls[i].starts_with("data:")) {
      auto comma = urls[i].find(',');
      auto decoded = comma == std::string::npos ? std::nullopt : util::base64_decode(std::string_view(urls[i]).substr(comma + 1));
      if (!decoded) throw util::remote_error("output " + std::to_string(i) + " is a malformed data URI");
      bytes = std::move(*decoded);
    } else {
      const auto limits = output_download_limits(config_);
      const net::Response r =
          download(api_, download_request(api_, urls[i], limits), limits, "output " + std::to_string(i));
      if (r.status == 404 || r.status == 410) throw OutputGone("output " + std::to_string(i) + " is gone");
      if (r.status != 200) throw util::remote_error("could not download output " + std::to_string(i) + " (" + std::to_string(r.status) + ")");
      bytes = std::move(r.body);
    }
    cached.emplace_back();
    const std::string name = name_of ? name_of(i) : stem + "-" + std::to_string(i);
    written.push_back(save_output(std::move(bytes), row, dir, name, prompt, &cached.back()));
  }
  // Files first, then one transaction records them with their image rows: a
  // kill in between leaves files that the next run finds by content.
  // Images that came inline (data URIs) are on disk now: keep their digests.
  const std::string output = row.output.find("\"data:") != std::string::npos ? canonical_input(row.output) : "";
  store::record_generated_images(db_, row.id, project_ ? cached : std::vector<store::Image>{}, json(written).dump(),
                                 output);
  return written;
}

GenerateResult Generator::run(const PlannedPrediction& p, bool wait) {
  return run(p, wait, retry_unknown_, retry_expired_);
}

GenerateResult Generator::run(const PlannedPrediction& p, bool wait, bool retry_unknown, bool retry_expired) {
  GenerateResult res;
  res.plan = p;
  try {
    RunSpec spec;
    spec.key = p.key;
    spec.purpose = "generate";
    spec.model = p.model;
    spec.input_json = p.input_json;
    spec.project_id = project_ ? project_->id : 0;
    spec.wait_seconds = wait ? static_cast<int>(config_.get_number("replicate.wait_seconds", 1, 60)) : 0;
    spec.max_poll = wait ? std::chrono::seconds(30 * 60) : std::chrono::seconds(0);
    spec.generation = store::GenerationInfo{p.prompt, p.style, p.out_dir.string(), p.seed};
    spec.retry_unknown = retry_unknown;
    spec.retry_expired = retry_expired;
    if (state_ != nullptr) spec.on_change = [this](const store::PredictionRow& r) { state_->record(r); };
    res.row = runner_.run(spec);
    if (!wait || res.row.status != store::PredictionStatus::succeeded) {
      if (store::settled(res.row.status))
        res.error = res.row.error.empty() ? store::to_string(res.row.status) : res.row.error;
      return res;
    }
    auto done = collect(res.row, &p);
    done.plan = p;
    if (state_ != nullptr) state_->record(done.row, done.files);
    if (done.error.empty() && (p.upscale || p.face_restore)) postprocess(done);
    return done;
  } catch (const util::Error& e) {
    if (e.is_interruption()) throw;
    res.error = e.message();
  } catch (const std::bad_alloc&) {
    res.error = "out of memory";
  } catch (const std::exception& e) {
    // Whatever else went wrong stays this item's failure: the batch goes on.
    // The cache database failing under a statement (damaged, full, made
    // read-only) is said in the store's words, with its way out.
    if (auto known = db_.explain(e)) res.error = known->message();
    else res.error = std::string("internal error: ") + e.what();
  } catch (...) {
    res.error = "internal error: an exception of unknown type";
  }
  return res;
}

// Each step is one more paid prediction per output, through the same runner,
// fed the previous step's output URL (fresh: it was just downloaded).
void Generator::postprocess(GenerateResult& res) {
  std::vector<std::pair<const char*, std::string>> steps;
  if (res.plan.face_restore) steps.emplace_back("face_restore", config_.get_or_default("face_restore.model"));
  if (res.plan.upscale) steps.emplace_back("upscale", config_.get_or_default("upscale.model"));
  std::vector<std::string> sources = output_urls(res.row.output);
  for (const auto& [purpose, model_name] : steps) {
    const auto model = rep::parse_model_ref(model_name);
    std::vector<std::string> next;
    for (std::size_t i = 0; i < sources.size(); ++i) {
      RunSpec spec;
      spec.purpose = purpose;
      spec.model = model;
      spec.input_json = json{{"image", sources[i]}}.dump();
      // Keyed by the generation, not the (expiring) URL, so a rerun finds it.
      spec.key = std::string(purpose) + ":" + util::sha256_hex(res.row.key + "\n" + std::to_string(i) + "\n" + model_name);
      spec.project_id = project_ ? project_->id : 0;
      auto row = runner_.run(spec);
      if (row.status != store::PredictionStatus::succeeded) {
        res.error = std::string(purpose) + " failed: " + (row.error.empty() ? store::to_string(row.status) : row.error);
        return;
      }
      const std::string stem = fs::path(res.files.at(i)).stem().string() + "-" + (purpose == std::string("upscale") ? "upscaled" : "restored");
      auto files = download_outputs(row, res.plan.out_dir, stem, res.plan.prompt);
      res.files.insert(res.files.end(), files.begin(), files.end());
      for (const auto& u : output_urls(row.output)) next.push_back(u);
    }
    sources = std::move(next);
  }
}

GenerateResult Generator::retry(const store::PredictionRow& row) {
  if (row.input.find("data:sha256,") != std::string::npos || row.input.find("[redacted]") != std::string::npos)
    throw util::usage_error("g" + std::to_string(row.id) + "'s input held a file or a secret that was not kept",
                            "Run the original generate command again with --retry-expired / --retry-unknown.");
  store::GenerationInfo info;
  {
    info = store::generation_info(db_, row.id);
  }
  PlannedPrediction p;
  p.key = row.key;
  p.model = rep::parse_model_ref(row.model.starts_with("hf:") ? row.model.substr(3) : row.model);
  p.model.version = row.version;
  p.input_json = row.input;
  p.prompt = info.prompt;
  p.style = info.style;
  p.seed = info.seed;
  p.provider = row.model.starts_with("hf:") ? Provider::huggingface : Provider::replicate;
  p.out_dir = info.output_dir.empty() ? fs::current_path() : fs::path(info.output_dir);
  return run(p, true, row.status == store::PredictionStatus::unknown || retry_unknown_,
             row.status == store::PredictionStatus::expired || retry_expired_);
}

GenerateResult Generator::collect(store::PredictionRow row) { return collect(std::move(row), nullptr); }

GenerateResult Generator::collect(store::PredictionRow row, const PlannedPrediction* plan) {
  GenerateResult res;
  res.row = row;
  store::GenerationInfo info;
  std::string stored;
  {
    info = store::generation_info(db_, row.id);
    stored = store::prediction_files(db_, row.id);
  }
  res.plan.key = row.key;
  res.plan.prompt = info.prompt;
  res.plan.style = info.style;
  res.plan.seed = info.seed;
  res.plan.out_dir = info.output_dir.empty() ? fs::current_path() : fs::path(info.output_dir);
  try {
    res.plan.model = rep::parse_model_ref(row.model + (row.version.empty() ? "" : ":" + row.version));
  } catch (const util::Error&) {
    res.plan.model = {row.model, "", ""};
  }
  if (row.status != store::PredictionStatus::succeeded) {
    if (store::settled(row.status)) res.error = row.error.empty() ? store::to_string(row.status) : row.error;
    return res;
  }
  // Resume: files already written are not fetched again.
  json files = json::parse(stored.empty() ? "[]" : stored, nullptr, false);
  bool all_there = files.is_array() && !files.empty();
  if (all_there)
    for (const auto& f : files) all_there = all_there && f.is_string() && fs::exists(f.get<std::string>());
  try {
    if (all_there) {
      for (const auto& f : files) res.files.push_back(f.get<std::string>());
    } else {
      const std::string stem = (project_ ? project_->name : row.model.substr(row.model.find('/') + 1)) + "-" +
                               row.key.substr(row.key.find(':') + 1, 10);
      std::function<std::string(std::size_t)> name_of;
      if (!name_template_.empty()) {
        NameFields f;
        f.project = project_ ? project_->name : stem.substr(0, stem.rfind('-'));
        f.style = plan ? plan->style : info.style;
        f.seed = plan ? plan->seed : info.seed;
        f.key = plan && !plan->line_id.empty() ? plan->line_id : row.key.substr(row.key.find(':') + 1, 10);
        f.date = (row.created_at.size() >= 10 ? row.created_at : util::now_iso8601()).substr(0, 10);
        const int first = plan ? plan->first_image : 0;
        name_of = [this, f, first](std::size_t i) mutable {
          f.n = first + static_cast<int>(i) + 1;
          return expand_name(name_template_, f);
        };
      }
      res.files = download_outputs(row, res.plan.out_dir, stem, info.prompt, name_of);
    }
    res.cost_usd = prediction_cost(config_, row.model, row.predict_time, res.files.size());
  } catch (const OutputGone&) {
    // Never a success without the files (DESIGN §10).
    res.row = runner_.mark_expired(row);
    res.error = res.row.error;
  } catch (const util::Error& e) {
    if (e.is_interruption()) throw;
    res.error = e.message();
  }
  return res;
}

}  // namespace photoagent::workflows
