// generate --rerun: a past generation again, with named overrides (rerun.hpp).

#include <nlohmann/json.hpp>

#include "photoagent/services/replicate/model_ref.hpp"
#include "photoagent/store/projects.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/hash.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/util/text_check.hpp"
#include "photoagent/workflows/generate_job.hpp"
#include "photoagent/workflows/rerun.hpp"
#include "photoagent/workflows/spend_cap.hpp"
#include "photoagent/workflows/runner.hpp"
#include "photoagent/workflows/styles.hpp"
#include "photoagent/workflows/trainers.hpp"
#include "generate_caps_detail.hpp"
#include "generate_detail.hpp"

namespace photoagent::workflows {
using nlohmann::json;
namespace fs = std::filesystem;
namespace rep = services::replicate;

namespace {

std::string gid(const store::PredictionRow& row) { return "g" + std::to_string(row.id); }

// Takes out of `input` what `old` put there (where it still holds the old
// style's value), then puts in what `now` brings where nothing of the user's
// own is set. Replicate inputs, filtered by the model's schema.
void restyle_replicate(json& input, const Style* old, const Style& now, const rep::InputSchema& schema) {
  const bool known = !schema.properties.empty();
  auto takes = [&](const std::string& name) { return !known || schema.has(name); };
  auto drop_if = [&](const char* key, const std::string& value) {
    if (!value.empty() && input.contains(key) && input[key] == json(value)) input.erase(key);
  };
  if (old != nullptr) {
    const json inputs = json::parse(old->inputs, nullptr, false);
    if (inputs.is_object())
      for (auto it = inputs.begin(); it != inputs.end(); ++it)
        if (input.contains(it.key()) && input[it.key()] == *it) input.erase(it.key());
    drop_if("aspect_ratio", old->aspect_ratio);
    drop_if("negative_prompt", old->negative);
    drop_if("extra_lora", old->extra_lora);
  }
  const json inputs = json::parse(now.inputs, nullptr, false);
  if (inputs.is_object())
    for (auto it = inputs.begin(); it != inputs.end(); ++it)
      if (takes(it.key()) && !input.contains(it.key())) input[it.key()] = *it;
  if (!now.aspect_ratio.empty() && takes("aspect_ratio") && !input.contains("aspect_ratio"))
    input["aspect_ratio"] = now.aspect_ratio;
  if (!now.negative.empty() && schema.has("negative_prompt") && !input.contains("negative_prompt"))
    input["negative_prompt"] = now.negative;
  if (!now.extra_lora.empty() && !input.contains("extra_lora")) input["extra_lora"] = now.extra_lora;
}

// The same for Hugging Face inference: negative prompt and size parameters.
void restyle_huggingface(json& input, const Style* old, const Style& now) {
  json& params = input["parameters"];
  if (!params.is_object()) params = json::object();
  if (old != nullptr) {
    if (!old->negative.empty() && params.value("negative_prompt", json()) == json(old->negative))
      params.erase("negative_prompt");
    if (!old->aspect_ratio.empty()) {
      const auto [w, h] = hf_image_size(old->aspect_ratio);
      if (params.value("width", json()) == json(w) && params.value("height", json()) == json(h)) {
        params.erase("width");
        params.erase("height");
      }
    }
  }
  if (!now.negative.empty() && !params.contains("negative_prompt")) params["negative_prompt"] = now.negative;
  if (!now.aspect_ratio.empty() && !params.contains("width") && !params.contains("height"))
    std::tie(params["width"], params["height"]) = hf_image_size(now.aspect_ratio);
}

}  // namespace

store::PredictionRow find_generation(store::Database& db, const std::string& ref) {
  std::optional<store::PredictionRow> row;
  // g12: checked parsing (as --collect), so an id too large for a number is simply not found.
  if (ref.size() > 1 && ref[0] == 'g')
    if (const auto id = util::parse_int64(std::string_view(ref).substr(1)); id && *id > 0)
      row = store::find_prediction_by_id(db, *id);
  if (!row && !ref.empty()) row = store::find_prediction_by_replicate_id(db, ref);
  if (!row)
    throw util::not_found("no generation '" + util::excerpt(ref) + "'",
                          "See the ids with 'photoagent status' or 'photoagent search --json'.");
  if (row->purpose != "generate")
    throw util::usage_error(gid(*row) + " is a " + row->purpose + " step, not a generation: rerun the generation it came from");
  return *row;
}

std::optional<store::Project> generation_project(store::Database& db, const store::PredictionRow& row) {
  if (row.project_id == 0) return std::nullopt;
  for (auto& p : store::list_projects(db))
    if (p.id == row.project_id) return p;
  return std::nullopt;
}

bool is_hf_generation(const store::PredictionRow& row) { return row.model.starts_with("hf:"); }

PlannedPrediction plan_rerun(store::Database& db, const Config& config, const store::PredictionRow& original,
                             const std::optional<store::Project>& project, const RerunOverrides& o,
                             const rep::InputSchema& schema, const fs::path& out_dir) {
  if (original.input.find("data:sha256,") != std::string::npos || original.input.find("[redacted]") != std::string::npos)
    throw util::usage_error(gid(original) + "'s input held a file or a secret, which is not kept, so it cannot be sent again",
                            "Run the original generate command again.");
  json input = json::parse(original.input, nullptr, false);
  if (!input.is_object()) throw util::failure(gid(original) + "'s stored input is damaged");
  const bool hf = is_hf_generation(original);
  const auto info = store::generation_info(db, original.id);
  const json::json_pointer seed_at(hf ? "/parameters/seed" : "/seed");
  const json::json_pointer prompt_at(hf ? "/inputs" : "/prompt");

  if (o.seed) {
    if (*o.seed < 0 || *o.seed > kMaxSeed)
      throw util::usage_error("the seed must be a whole number from 0 to " + std::to_string(kMaxSeed) + ", not " +
                              std::to_string(*o.seed));
    if (!input.contains(seed_at))
      throw util::usage_error(gid(original) + " was made without a seed (its model takes none): --seed cannot apply");
    input[seed_at] = *o.seed;
  }
  if (o.prompt || o.style) {
    // How the prompt was built: the old style's template, the trigger word or not.
    std::optional<Style> old;
    if (!info.style.empty()) {
      try {
        old = find_style(config, info.style);
      } catch (const util::Error&) {
        throw util::usage_error(gid(original) + "'s style '" + info.style + "' is no longer defined",
                                "Run generate with the prompt and style you want.");
      }
    }
    const json sent = input.contains(prompt_at) ? input[prompt_at] : json();
    std::optional<std::string> trigger;
    for (const std::string& candidate : {project ? project->trigger : std::string(), std::string()})
      if (sent.is_string() && render_prompt(old ? &*old : nullptr, candidate, info.prompt) == sent.get<std::string>()) {
        trigger = candidate;
        break;
      }
    if (!trigger)
      throw util::usage_error("cannot tell how " + gid(original) + "'s prompt was built (its style changed since?)",
                              "Run generate with the prompt and style you want.");
    std::optional<Style> now = old;
    if (o.style) {
      now = find_style(config, *o.style);
      if (hf) restyle_huggingface(input, old ? &*old : nullptr, *now);
      else restyle_replicate(input, old ? &*old : nullptr, *now, schema);
    }
    const std::string text = o.prompt ? *o.prompt : info.prompt;
    if (util::trim(text).empty()) throw util::usage_error("the prompt is empty");
    input[prompt_at] = render_prompt(now ? &*now : nullptr, *trigger, text);
  }

  PlannedPrediction p;
  p.provider = hf ? Provider::huggingface : Provider::replicate;
  const std::string model = hf ? original.model.substr(3) : original.model;
  if (hf) p.model = {model.substr(0, model.find('/')), model.substr(model.find('/') + 1), ""};
  else p.model = rep::parse_model_ref(model);
  p.model.version = original.version;  // the version it ran, not today's latest
  p.input_json = input.dump();
  auto out = fs::absolute(out_dir).lexically_normal();
  if (out.filename().empty()) out = out.parent_path();
  p.out_dir = out;
  // Its own prediction, the same one for the same rerun (never paid twice).
  p.key = "gen:" + util::sha256_hex("rerun\n" + original.key + "\n" + p.model.full() + ":" + p.model.version + "\n" +
                                    out.string() + "\n" + canonical_input(p.input_json));
  p.prompt = o.prompt ? *o.prompt : info.prompt;
  p.style = o.style ? *o.style : info.style;
  p.seed = input.contains(seed_at) && input[seed_at].is_number_integer() ? input[seed_at].get<long long>() : -1;
  return p;
}

GenerateReport GenerateJob::rerun(const store::PredictionRow& original, const std::optional<store::Project>& project,
                                  const RerunOverrides& overrides, const GenerateJobSpec& spec,
                                  const GenerateEvents& events) {
  rep::InputSchema schema;  // only a new style needs it (which of its inputs the model takes)
  if (overrides.style && !hf_) {
    auto model = rep::parse_model_ref(original.model);
    model.version = original.version;
    schema = rep::input_schema(api_, model);
  }
  auto p = plan_rerun(db_, config_, original, project, overrides, schema, spec.request.out_dir);
  GenerateReport report;
  report.planned = 1;
  check_caps({p}, spec);  // over --max-cost: exit 2 with the estimate, nothing paid
  if (spec.dry_run) {
    const json input = json::parse(p.input_json);
    const double cost = prediction_cost(config_, p.model.full(), -1, input.value("num_outputs", 1));
    report.estimate_known = cost >= 0;
    report.estimate_usd = std::max(0.0, cost);
    report.dry_run.push_back({std::move(p), cost});
    return report;
  }
  // --max-predictions (and the cost) as a running cap, as for any generation.
  detail::RunCap run_cap(spec.limits, config_, runner_);
  SpendCap* const cap = run_cap.get();
  gen_.set_retry(false, false);
  auto r = gen_.run(p, spec.wait);
  if (cap && detail::held_by_cap(r)) {
    report.held = 1;  // refused by the cap at its create: nothing paid
    report.cap_message = cap->reached_message(1);
    return report;
  }
  if (events.on_result) events.on_result(r);
  const bool ok = r.error.empty();
  report.images = r.files.size();
  if (ok && spec.wait && r.files.empty()) ++report.unaccounted;  // never a success without its files
  report.failed = !ok || report.unaccounted > 0;
  report.items.push_back({p.key, r.row.id, ok, std::move(r.files)});
  return report;
}

}  // namespace photoagent::workflows
