#include "generate.hpp"

#include <atomic>
#include <cmath>
#include <map>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "../output/json.hpp"
#include "../output/progress.hpp"
#include "../output/table.hpp"
#include "../project_arg.hpp"
#include "generate_rerun.hpp"
#include "photoagent/services/huggingface/inference.hpp"
#include "photoagent/util/dir_probe.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/interrupt.hpp"
#include "photoagent/util/printable.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/util/text_check.hpp"
#include "photoagent/workflows/generate_job.hpp"
#include "photoagent/workflows/output_names.hpp"
#include "photoagent/workflows/projects.hpp"
#include "photoagent/workflows/shard.hpp"
#include "photoagent/workflows/spend_cap.hpp"
#include "photoagent/workflows/styles.hpp"
#include "photoagent/workflows/trainers.hpp"

namespace photoagent::cli {
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json result_json(const workflows::GenerateResult& r) {
  // A batch line's own id is its key for scripts; otherwise ours.
  return {{"key", !r.plan.line_id.empty() ? r.plan.line_id : r.plan.key.empty() ? r.row.key : r.plan.key},
          {"id", r.row.id ? json("g" + std::to_string(r.row.id)) : json(nullptr)},
          {"prompt", r.plan.prompt},
          {"style", r.plan.style.empty() ? json(nullptr) : json(r.plan.style)},
          {"model", r.plan.model.full()},
          {"version", r.row.version.empty() ? json(nullptr) : json(r.row.version)},
          {"seed", r.plan.seed < 0 ? json(nullptr) : json(r.plan.seed)},
          {"replicate_id", r.row.replicate_id.empty() ? json(nullptr) : json(r.row.replicate_id)},
          {"status", r.error.empty() && r.row.id ? store::to_string(r.row.status) : "failed"},
          {"files", r.files},
          {"cost_usd", r.cost_usd < 0 ? json(nullptr) : json(std::round(r.cost_usd * 10000) / 10000)},
          {"error", r.error.empty() ? json(nullptr) : json(r.error)}};
}

// The project named on the command line (DESIGN §9), else the default one
// if any: generate runs without a project too (base models).
std::optional<store::Project> project_for(Context& ctx, const GenerateOptions& o, std::vector<std::string>& args,
                                          bool batch) {
  const auto name = take_project_argument(ctx, o.project, args, batch ? 0 : 1);
  if (!name.empty()) return workflows::resolve_project(ctx.db(), ctx.config(), name);
  if (auto d = workflows::default_project_name(ctx.config())) return workflows::find_project(ctx.db(), *d);
  return std::nullopt;
}

int list_styles(Context& ctx) {
  auto styles = workflows::list_styles(ctx.config());
  if (ctx.global.json) {
    json arr = json::array();
    for (const auto& s : styles)
      arr.push_back({{"name", s.name}, {"description", s.description}, {"prompt", s.prompt},
                     {"negative", s.negative}, {"aspect_ratio", s.aspect_ratio}, {"inputs", json::parse(s.inputs)},
                     {"extra_lora", s.extra_lora.empty() ? json(nullptr) : json(s.extra_lora)}});
    print_json(ctx.io, arr);
    return 0;
  }
  Table t({"style", "aspect", "description"});
  for (const auto& s : styles) t.add({s.name, s.aspect_ratio, s.description});
  t.print(ctx.io);
  return 0;
}

// --rate N/min | N/s | N/h as creates per minute; 0 when malformed.
long creates_per_minute(const std::string& rate) {
  const auto slash = rate.find('/');
  const std::string unit = slash == std::string::npos ? "min" : util::to_lower(rate.substr(slash + 1));
  const long scale = unit == "min" || unit == "m" ? 1 : unit == "s" || unit == "sec" ? 60 : unit == "h" || unit == "hour" ? 0 : -1;
  try {
    const long n = std::stol(rate.substr(0, slash));
    return scale > 0 ? n * scale : scale == 0 ? std::max(1L, n / 60) : 0;
  } catch (...) {
    return 0;
  }
}

// Checks flag combinations before anything is paid for.
void check(GenerateOptions& o) {
  util::check_text("--prompt", o.prompt);  // --rerun's new prompt goes into JSON as it is
  if (!o.contact_sheet.empty()) {
    const std::string ext = util::to_lower(fs::path(o.contact_sheet).extension().string());
    if (ext != ".jpg" && ext != ".jpeg" && ext != ".png")
      throw util::usage_error("--contact-sheet writes .jpg or .png, not '" + o.contact_sheet + "'");
  }
  for (const auto& kv : o.inputs) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) throw util::usage_error("--input takes KEY=VALUE, not '" + util::excerpt(kv) + "'");
    o.request.inputs.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  if (!o.request.format.empty() && o.request.format != "png" && o.request.format != "jpg" && o.request.format != "webp")
    throw util::usage_error("--format must be png, jpg or webp");
  if (!o.rate.empty()) {
    const long per_minute = creates_per_minute(o.rate);
    if (per_minute < 1 || per_minute > 100000)
      throw util::usage_error("--rate takes N/min, N/s or N/h, e.g. 300/min, not '" + o.rate + "'");
  }
  if (!o.collect.empty() && o.request.provider == "huggingface")
    throw util::usage_error("--collect is for Replicate predictions; Hugging Face answers at once");
}

void print_dry_run(Context& ctx, const workflows::GenerateReport& r) {
  json arr = json::array();
  for (const auto& d : r.dry_run)
    arr.push_back({{"key", d.plan.key},
                   {"model", d.plan.model.full() + (d.plan.model.version.empty() ? "" : ":" + d.plan.model.version)},
                   {"input", json::parse(d.plan.input_json)}, {"out_dir", d.plan.out_dir.string()},
                   {"estimated_cost_usd", d.cost_usd < 0 ? json(nullptr) : json(d.cost_usd)}});
  const json total = r.estimate_known ? json(std::round(r.estimate_usd * 10000) / 10000) : json(nullptr);
  if (ctx.global.json) {
    print_json(ctx.io, {{"dry_run", true}, {"predictions", arr}, {"invalid_lines", r.bad_lines.size()},
                        {"estimated_cost_usd", total}});
    return;
  }
  char line[200];
  if (r.estimate_known)
    std::snprintf(line, sizeof line, "Would run %zu predictions, about $%.3f. Nothing was created.\n", r.dry_run.size(),
                  r.estimate_usd);
  else
    std::snprintf(line, sizeof line,
                  "Would run %zu predictions (billed by run time: about $0.0015 a second on an H100). Nothing was created.\n",
                  r.dry_run.size());
  ctx.io.out << arr.dump(2) << "\n" << line;
}

// Result lines as each prediction finishes (JSON Lines, or paths and ids),
// failures on stderr, the bar on a terminal.
workflows::GenerateEvents render_events(Context& ctx, const GenerateOptions& o, ProgressBar& bar) {
  auto out_mu = std::make_shared<std::mutex>();  // the bar and the result lines share the terminal
  workflows::GenerateEvents events;
  events.on_result = [&ctx, &o, out_mu](const workflows::GenerateResult& r) {
    std::lock_guard lock(*out_mu);
    if (ctx.global.json) {
      ctx.io.out << result_json(r).dump(-1, ' ', false, json::error_handler_t::replace) << "\n" << std::flush;
      return;
    }
    for (const auto& f : r.files) ctx.io.out << f << "\n";
    if (o.no_wait && r.error.empty()) ctx.io.out << "g" << r.row.id << "\n";
    ctx.io.out << std::flush;
    if (!r.error.empty())  // the model's or service's own words: no terminal controls, no token
      ctx.io.err << red(ctx.io, "failed") << " " << util::printable_line(r.plan.prompt) << ": "
                 << util::printable_line(r.error) << "\n";
  };
  events.on_progress = [&bar](std::size_t done, std::size_t total) { bar.update(done, total); };
  events.on_notice = [&ctx](const std::string& text) {
    if (!ctx.global.quiet) ctx.io.err << text << "\n";
  };
  return events;
}

void print_summary(Context& ctx, const GenerateOptions& o, const workflows::GenerateReport& report) {
  if (report.interrupted) {
    ctx.io.err << "Stopped: " << report.items.size() << " of " << report.planned
               << " done; run the same command again to finish (nothing is paid twice).\n";
    util::throw_if_interrupted();
  }
  if (!report.cap_message.empty()) ctx.io.err << report.cap_message << "\n";
  if (report.unaccounted > 0)
    ctx.io.err << red(ctx.io, "failed") << " " << report.unaccounted << " of " << report.planned
               << " items finished without their files; run the same command again to fetch them.\n";
  if (ctx.global.quiet) return;
  if (report.contact_sheet_columns > 0)
    ctx.io.err << "Contact sheet: " << o.contact_sheet << " (" << report.images << " images, "
               << report.contact_sheet_columns << " columns)\n";
  if (!o.batch.empty() || report.failed)
    ctx.io.err << (report.failed || report.held ? "" : green(ctx.io, "\u2713") + " ")
               << report.total() - report.failed - report.held << " of "
               << report.total() << " done, " << report.images << " images, " << report.failed << " failed.\n";
}

}  // namespace

int run_generate(Context& ctx, GenerateOptions o) {
  if (o.list_styles) return list_styles(ctx);
  check(o);
  std::vector<std::string> args = o.args;
  const bool batch = !o.batch.empty();
  // --rerun g12 runs in the generation's own project, by its own provider.
  check_rerun(o);
  if (!o.name.empty()) workflows::check_name_template(o.name);
  std::optional<store::PredictionRow> original;
  if (!o.rerun.empty()) {
    original = workflows::find_generation(ctx.db(), o.rerun);
    if (workflows::is_hf_generation(*original)) o.request.provider = "huggingface";
  }
  auto project = original ? workflows::generation_project(ctx.db(), *original) : project_for(ctx, o, args, batch);
  if (o.collect.empty() && !original) {
    if (batch && !args.empty())
      throw util::usage_error("with --batch the prompts come from the file, not '" + args.front() + "'");
    if (!batch && args.size() != 1)
      throw util::usage_error(args.empty() ? "no prompt given" : "too many arguments: quote the prompt",
                              "e.g. photoagent generate ada \"on a sailboat at golden hour\"");
    if (!batch) o.request.prompt = args[0];
  }
  // Hugging Face inference needs no Replicate account: the job then gets the
  // HF API, and the Replicate-only paths are not taken.
  const bool hf = o.request.provider == "huggingface";
  std::unique_ptr<services::Api> hf_api;
  if (hf) {
    auto cred = ctx.credentials().require(services::Service::huggingface);
    hf_api = std::make_unique<services::Api>(ctx.http({cred.secret}), services::Service::huggingface, cred.secret,
                                             services::huggingface::inference_base_url());
  }
  // Shards share the account's create limit: each takes its part unless --rate says.
  const auto shard = o.shard.empty() ? workflows::Shard{} : workflows::parse_shard(o.shard);
  if (shard.active() && !batch) throw util::usage_error("--shard splits a batch: use it with --batch FILE");
  if (!o.rate.empty()) ctx.set_create_rate(static_cast<std::size_t>(creates_per_minute(o.rate)));
  else if (shard.active()) {
    const auto account = static_cast<std::size_t>(ctx.config().get_number("replicate.creates_per_minute", 1, 100000));
    const auto share = workflows::shard_rate(account, shard);
    ctx.set_create_rate(share);
    if (!ctx.global.quiet)
      ctx.io.err << "Shard " << shard.k << "/" << shard.n << " shares the account: at most " << share
                 << " creates a minute (" << account << "/" << shard.n << "; --rate sets it)\n";
  }
  workflows::GenerateJob job(ctx.db(), ctx.config(), hf ? *hf_api : ctx.api(services::Service::replicate),
                             ctx.create_limiter(), project, hf_api.get());
  job.set_output_names(o.name, o.overwrite);

  ProgressBar bar(ctx.io, "Generating", 0);
  const auto events = render_events(ctx, o, bar);
  if (!o.collect.empty()) return job.collect(o.collect, o.retry_unknown, o.retry_expired, events).exit_code();

  // Before anything is paid: an -o that is a file, read-only or full would
  // otherwise fail every item after its prediction ran.
  if (!o.dry_run) {
    util::check_output_dir(o.request.out_dir, "-o");
    if (!o.contact_sheet.empty())
      util::check_output_dir(fs::absolute(o.contact_sheet).parent_path(), "--contact-sheet");
  }
  workflows::GenerateJobSpec spec;
  spec.request = o.request;
  spec.batch = o.batch;
  spec.stdin_stream = &ctx.io.in;
  spec.wait = !o.no_wait;
  spec.dry_run = o.dry_run;
  spec.concurrency = static_cast<unsigned>(std::max(0, o.concurrency));
  spec.retry_unknown = o.retry_unknown;
  spec.retry_expired = o.retry_expired;
  spec.contact_sheet = o.contact_sheet;
  spec.limits = workflows::spend_limits(ctx.config(), "generate", o.max_cost, o.max_predictions);
  spec.shard = shard;
  auto report = original ? job.rerun(*original, project, rerun_overrides(o), spec, events) : job.run(spec, events);
  for (const auto& [where, why] : report.bad_lines) ctx.io.err << red(ctx.io, "skipped") << " " << where << ": " << why << "\n";
  if (o.dry_run) {
    print_dry_run(ctx, report);
    return report.bad_lines.empty() ? 0 : static_cast<int>(util::ExitCode::partial);
  }
  print_summary(ctx, o, report);
  return report.exit_code();
}


CommandSpec generate_command() {
  auto o = std::make_shared<GenerateOptions>();
  auto& r = o->request;
  CommandSpec g;
  g.path = {"generate"};
  g.man = "photoagent-generate";
  g.description = "Generate images from a prompt, a style or a batch file";
  g.footer = R"(Examples:
  photoagent generate ada "on a sailboat at golden hour" --style headshot -n 4 -o out/
  photoagent generate --model black-forest-labs/flux-schnell "a red fox in snow"
  photoagent generate ada --batch prompts.jsonl --concurrency 16 -o out/ --json   # resumable, JSON Lines
  photoagent generate ada "portrait" --upscale --contact-sheet sheet.jpg
  photoagent generate ada "..." --no-wait          # prints g12; later: photoagent generate --collect g12
  photoagent generate ada --batch prompts.jsonl --shard 2/3 -o out/   # one of 3 CI jobs: out/shard-2-of-3/
  photoagent generate --rerun g12 --seed 7 --name "{project}-{seed}-{n}"
  photoagent generate --list-styles

Without --model a project runs its latest trained version; otherwise the
model in config generate.model. Outputs are downloaded at once, written to -o
(default: here) under names that never collide, and kept in the cache.
Running the same command again pays nothing twice: finished predictions are
reused and files already written are not fetched again. A batch line is JSON
({"prompt": "...", "style": "...", "seed": 1, "n": 1, "id": "..."}) or CSV
with a header; options are the defaults for every line. Exit 6 when some
items failed.)";
  g.add("-p,--project", o->project, "Project (default: the default project)");
  g.add("args", o->args, "[PROJECT] PROMPT");
  g.add("--model", r.model, "Any Replicate model, OWNER/NAME[:VERSION] (or a Hub repo with --provider huggingface)");
  g.add("--provider", r.provider,
        "replicate (default) or huggingface (Hugging Face's hf-inference provider, which serves few models, "
        "e.g. stabilityai/stable-diffusion-3-medium-diffusers, not FLUX or your LoRA; needs --model)")
      .one_of({"replicate", "huggingface"});
  g.add("--style", r.style, "A style preset (see --list-styles)");
  g.add("-n", r.n, "Number of images (split into predictions of up to the model's maximum)").between(1, 1000);
  g.add("--aspect", r.aspect, "Aspect ratio, e.g. 3:4");
  g.add("--seed", r.seed, "Seed, 0 to 4294967295 (default: derived from the request, so reruns match)")
      .between(0, workflows::kMaxSeed);
  g.add("--steps", r.steps, "Inference steps").between(1, 500);
  g.add("--guidance", r.guidance, "Guidance scale").non_negative();
  g.add("--lora-scale", r.lora_scale, "LoRA strength");
  g.add("--extra-lora", r.extra_lora, "A second LoRA (trained Flux models)");
  g.add("--negative", r.negative, "Negative prompt (models that take one)");
  g.add("--format", r.format, "png, jpg or webp (default: config generate.format)");
  g.add("--input", o->inputs, "Any other model input, KEY=VALUE (repeatable)");
  g.add("--upscale", r.upscale, "Upscale each output (config upscale.model)");
  g.add("--face-restore", r.face_restore, "Restore faces in each output (config face_restore.model)");
  g.add("-o,--output", r.out_dir, "Folder for the images (default: here)");
  g.add("--name", o->name,
        "File names: a template of {project}, {style}, {seed}, {key}, {n}, {date} (e.g. \"{project}-{style}-{n}\"); "
        "a different picture already there gets NAME-2");
  g.add("--overwrite", o->overwrite, "Replace a different picture at an output's name (default: never)");
  g.add("--no-wait", o->no_wait, "Start and print the id; collect later with --collect");
  g.add("--dry-run", o->dry_run, "Print the planned predictions; create nothing (model schemas are read)");
  g.add("--contact-sheet", o->contact_sheet, "Write one grid image of all outputs (.jpg or .png)");
  g.add("--batch", o->batch, "JSON Lines or CSV file of prompts ('-' for stdin)");
  g.add("--concurrency", o->concurrency, "Predictions in flight at once (default 8)").between(1, 256);
  g.add("--rate", o->rate, "Creates allowed, e.g. 300/min or 5/s (default 600/min; divided by N with --shard)");
  g.add("--shard", o->shard,
        "K/N: run only part K of N of the batch (split by a hash of each line's id or content), into OUT/shard-K-of-N "
        "with its own journal");
  g.add("--max-cost", o->max_cost,
        "Spend cap in dollars: refused (exit 2) when the estimate is over it; a batch stops creating before passing "
        "it and exits 6 (default: config generate.max_cost)")
      .non_negative();
  g.add("--max-predictions", o->max_predictions,
        "Create at most N predictions (upscale steps included), then finish what is in flight and exit 6; a rerun "
        "goes on (default: config generate.max_predictions)")
      .non_negative();
  g.add("--collect", o->collect, "Fetch a --no-wait prediction (g12 or Replicate's id)");
  g.add("--rerun", o->rerun,
        "Repeat a past generation exactly (g12: same model version, input and seed); --seed, --prompt, --style "
        "override only what they name");
  g.add("--prompt", o->prompt, "With --rerun: a new prompt text, built as the original's was (style, trigger word)");
  g.add("--retry-unknown", o->retry_unknown,
        "Create again the predictions whose create could not be confirmed (status 'unknown'; may pay twice)");
  g.add("--retry-expired", o->retry_expired,
        "Create again (and pay for) successes whose outputs Replicate removed before they were downloaded");
  g.add("--list-styles", o->list_styles, "Show the style presets");
  g.run = [o](Context& ctx) { return run_generate(ctx, *o); };
  return g;
}

}  // namespace photoagent::cli
