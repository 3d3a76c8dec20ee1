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
#include "batch_file.hpp"
#include "photoagent/image/contact_sheet.hpp"
#include "photoagent/services/huggingface.hpp"
#include "photoagent/store/predictions.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/interrupt.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/workflows/batch_state.hpp"
#include "photoagent/workflows/projects.hpp"
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
          {"status", r.error.empty() ? (r.row.status.empty() ? "failed" : r.row.status) : "failed"},
          {"files", r.files},
          {"cost_usd", r.cost_usd < 0 ? json(nullptr) : json(std::round(r.cost_usd * 10000) / 10000)},
          {"error", r.error.empty() ? json(nullptr) : json(r.error)}};
}

std::optional<store::Project> project_for(Context& ctx, const GenerateOptions& o, std::vector<std::string>& args,
                                          bool batch) {
  if (!o.project.empty()) return workflows::resolve_project(ctx.db(), ctx.config(), o.project);
  // DESIGN §9: a leading argument is the project only when it names one and
  // is not a file; with --batch the only argument may be the project.
  if (!args.empty() && (args.size() >= 2 || batch)) {
    std::error_code ec;
    if (!fs::exists(args.front(), ec))
      if (auto p = store::find_project(ctx.db(), args.front())) {
        args.erase(args.begin());
        return p;
      }
  }
  if (auto d = workflows::default_project_name(ctx.config())) return store::find_project(ctx.db(), *d);
  return std::nullopt;
}

void write_contact_sheet(Context& ctx, const std::vector<workflows::GenerateResult>& results, const std::string& out) {
  std::vector<fs::path> files;
  for (const auto& r : results)
    for (const auto& f : r.files) files.push_back(f);
  auto layout = image::write_contact_sheet(files, out);
  if (!ctx.global.quiet)
    ctx.io.err << "Contact sheet: " << out << " (" << files.size() << " images, " << layout.columns << " columns)\n";
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

// Runs planned predictions `concurrency` at a time; one result line each.
struct Batch {
  Context& ctx;
  workflows::Generator& gen;
  bool wait;
  std::mutex out_mu;
  std::vector<workflows::GenerateResult> results;

  void emit(const workflows::GenerateResult& r) {
    std::lock_guard lock(out_mu);
    if (ctx.global.json) {
      ctx.io.out << result_json(r).dump(-1, ' ', false, json::error_handler_t::replace) << "\n" << std::flush;
    } else {
      for (const auto& f : r.files) ctx.io.out << f << "\n";
      if (!wait && r.error.empty()) ctx.io.out << "g" << r.row.id << "\n";
      ctx.io.out << std::flush;
      if (!r.error.empty()) ctx.io.err << red(ctx.io, "failed") << " " << r.plan.prompt << ": " << r.error << "\n";
    }
    results.push_back(r);
  }

  void run(const std::vector<workflows::PlannedPrediction>& plans, unsigned concurrency) {
    std::atomic<std::size_t> next{0}, done{0};
    ProgressBar bar(ctx.io, "Generating", plans.size());
    auto worker = [&] {
      for (std::size_t i; util::interrupt_signal() == 0 && (i = next++) < plans.size();) {
        try {
          emit(gen.run(plans[i], wait));
        } catch (const util::Error&) {
          break;  // interrupted: what is in flight is recorded; the next run collects it
        }
        bar.update(++done);
      }
    };
    concurrency = static_cast<unsigned>(std::clamp<std::size_t>(concurrency, 1, std::max<std::size_t>(plans.size(), 1)));
    std::vector<std::thread> pool;
    for (unsigned j = 1; j < concurrency; ++j) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
  }
};

}  // namespace

int run_generate(Context& ctx, GenerateOptions o) {
  if (o.list_styles) return list_styles(ctx);
  if (!o.contact_sheet.empty()) {  // checked before anything is paid for
    const std::string ext = util::to_lower(fs::path(o.contact_sheet).extension().string());
    if (ext != ".jpg" && ext != ".jpeg" && ext != ".png")
      throw util::usage_error("--contact-sheet writes .jpg or .png, not '" + o.contact_sheet + "'");
  }
  for (const auto& kv : o.inputs) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) throw util::usage_error("--input takes KEY=VALUE, not '" + kv + "'");
    o.request.inputs.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  if (o.has_seed) o.request.seed = o.seed;
  if (o.has_lora_scale) o.request.lora_scale = o.lora_scale;
  if (!o.request.format.empty() && o.request.format != "png" && o.request.format != "jpg" && o.request.format != "webp")
    throw util::usage_error("--format must be png, jpg or webp");

  std::vector<std::string> args = o.args;
  const bool batch = !o.batch.empty();
  auto project = project_for(ctx, o, args, batch);
  // Hugging Face inference needs no Replicate account: the runner and the
  // generator then get the HF API, and the Replicate-only paths are not taken.
  const bool hf = o.request.provider == "huggingface";
  std::unique_ptr<services::Api> hf_api;
  if (hf) {
    auto cred = ctx.credentials().require(services::Service::huggingface);
    hf_api = std::make_unique<services::Api>(ctx.http({cred.secret}), services::Service::huggingface, cred.secret,
                                             services::huggingface::inference_base_url());
    if (!o.collect.empty()) throw util::usage_error("--collect is for Replicate predictions; Hugging Face answers at once");
  }
  const services::Api& api = hf ? *hf_api : ctx.api(services::Service::replicate);
  if (!o.rate.empty()) {
    long per_minute = 0;
    const auto slash = o.rate.find('/');
    const std::string unit = slash == std::string::npos ? "min" : util::to_lower(o.rate.substr(slash + 1));
    const long scale = unit == "min" || unit == "m" ? 1 : unit == "s" || unit == "sec" ? 60 : unit == "h" || unit == "hour" ? 0 : -1;
    try {
      const long n = std::stol(o.rate.substr(0, slash));
      per_minute = scale > 0 ? n * scale : scale == 0 ? std::max(1L, n / 60) : 0;
    } catch (...) {
    }
    if (per_minute < 1 || per_minute > 100000)
      throw util::usage_error("--rate takes N/min, N/s or N/h, e.g. 300/min, not '" + o.rate + "'");
    ctx.set_create_rate(static_cast<std::size_t>(per_minute));
  }
  workflows::PredictionRunner runner(ctx.db(), api, ctx.create_limiter());
  workflows::Generator gen(ctx.db(), ctx.config(), api, runner, project);
  if (hf) gen.set_hf_inference(hf_api.get());
  gen.set_retry(o.retry_unknown, o.retry_expired);

  if (!o.collect.empty()) {
    std::string ref = o.collect;
    std::optional<store::PredictionRow> row;
    if (ref.size() > 1 && ref[0] == 'g' && ref.find_first_not_of("0123456789", 1) == std::string::npos)
      row = store::find_prediction_by_id(ctx.db(), std::stoll(ref.substr(1)));
    if (!row) row = store::find_prediction_by_replicate_id(ctx.db(), ref);
    if (!row) throw util::not_found("no generation '" + ref + "'", "See pending ones with 'photoagent status'.");
    auto resumed = runner.resume(*row, std::chrono::minutes(30));
    Batch b{ctx, gen, true, {}, {}};
    auto result = gen.collect(resumed);
    const auto& st = result.row.status;
    if ((st == "expired" && o.retry_expired) || (st == "unknown" && o.retry_unknown)) result = gen.retry(result.row);
    b.emit(result);
    return b.results[0].error.empty() ? 0 : 1;
  }

  std::vector<workflows::PlannedPrediction> plans;
  std::vector<std::pair<std::string, std::string>> bad_lines;
  if (batch) {
    if (!args.empty()) throw util::usage_error("with --batch the prompts come from the file, not '" + args.front() + "'");
    std::map<std::string, int> seen;  // identical unseeded lines stay distinct (DESIGN §9)
    for (auto& item : read_batch(ctx.io, o.batch, o.request)) {
      if (item.error.empty() && item.request.id.empty() && !item.request.seed) {
        nlohmann::json fp = {item.request.prompt, item.request.style, item.request.model, item.request.n,
                             item.request.aspect, item.request.format, item.request.negative, item.request.inputs};
        item.request.occurrence = seen[fp.dump()]++;
      }
      if (!item.error.empty()) {
        bad_lines.emplace_back(item.where, item.error);
        continue;
      }
      try {
        for (auto& p : gen.plan(item.request)) plans.push_back(std::move(p));
      } catch (const util::Error& e) {
        bad_lines.emplace_back(item.where, e.message());
      }
    }
  } else {
    if (args.size() != 1)
      throw util::usage_error(args.empty() ? "no prompt given" : "too many arguments: quote the prompt",
                              "e.g. photoagent generate ada \"on a sailboat at golden hour\"");
    o.request.prompt = args[0];
    plans = gen.plan(o.request);
  }
  for (const auto& [where, why] : bad_lines) ctx.io.err << red(ctx.io, "skipped") << " " << where << ": " << why << "\n";

  if (o.dry_run) {
    json arr = json::array();
    double estimate = 0;
    bool known = true;
    for (const auto& p : plans) {
      const json input = json::parse(p.input_json);
      const std::size_t images = input.value("num_outputs", 1);
      // Per-image prices are known up front; per-second ones only after running.
      const double cost = workflows::prediction_cost(ctx.config(), p.model.full(), -1, images);
      if (cost < 0) known = false;
      else estimate += cost;
      arr.push_back({{"key", p.key}, {"model", p.model.full() + (p.model.version.empty() ? "" : ":" + p.model.version)},
                     {"input", input}, {"out_dir", p.out_dir.string()},
                     {"estimated_cost_usd", cost < 0 ? json(nullptr) : json(cost)}});
    }
    const json total = known ? json(std::round(estimate * 10000) / 10000) : json(nullptr);
    if (ctx.global.json) {
      print_json(ctx.io, {{"dry_run", true}, {"predictions", arr}, {"invalid_lines", bad_lines.size()},
                          {"estimated_cost_usd", total}});
    } else {
      char line[160];
      if (known) std::snprintf(line, sizeof line, "Would run %zu predictions, about $%.3f. Nothing was created.\n", plans.size(), estimate);
      else std::snprintf(line, sizeof line, "Would run %zu predictions (billed by run time: about $0.0015 a second on an H100). Nothing was created.\n", plans.size());
      ctx.io.out << arr.dump(2) << "\n" << line;
    }
    return bad_lines.empty() ? 0 : static_cast<int>(util::ExitCode::partial);
  }

  // A batch keeps its state beside its output, so a runner that caches only
  // that folder resumes without paying twice; a fresh cache learns it first.
  std::unique_ptr<workflows::BatchState> state;
  if (batch && !hf) {
    state = std::make_unique<workflows::BatchState>(fs::absolute(o.request.out_dir));
    std::vector<workflows::BatchItem> items;
    for (const auto& p : plans) items.push_back({p.key, {p.prompt, p.style, p.out_dir.string(), p.seed}});
    const int imported = state->import_missing(ctx.db(), items);
    if (imported > 0 && !ctx.global.quiet)
      ctx.io.err << "Resuming " << imported << " predictions recorded in " << state->file().string() << "\n";
    gen.set_batch_state(state.get());
  }
  const long concurrency = o.concurrency > 0 ? o.concurrency : ctx.config().get_number("generate.concurrency", 1, 256);
  Batch b{ctx, gen, !o.no_wait, {}, {}};
  b.run(plans, static_cast<unsigned>(concurrency));
  std::size_t failed = bad_lines.size(), images = 0;
  for (const auto& r : b.results) {
    failed += !r.error.empty();
    images += r.files.size();
  }
  if (!o.no_wait && util::interrupt_signal() == 0) {
    // Every item ends with its files or as a failure: a success without
    // files, or one the journal holds no files for, is not a success.
    std::size_t unaccounted = plans.size() > b.results.size() ? plans.size() - b.results.size() : 0;
    std::vector<std::string> done_keys;
    for (const auto& r : b.results)
      if (r.error.empty() && r.files.empty()) ++unaccounted;
      else if (r.error.empty()) done_keys.push_back(r.plan.key);
    if (state) unaccounted += state->without_files(done_keys).size();
    if (unaccounted > 0)
      ctx.io.err << red(ctx.io, "failed") << " " << unaccounted << " of " << plans.size()
                 << " items finished without their files; run the same command again to fetch them.\n";
    failed += unaccounted;
  }
  // Sync answers carry no run time: learn it now, a list page per 100
  // predictions, so spend is complete (DESIGN §10).
  if (!hf && !o.no_wait && util::interrupt_signal() == 0) {
    std::vector<store::PredictionRow> done;
    for (const auto& r : b.results)
      if (r.row.status == "succeeded" && r.row.predict_time < 0) done.push_back(r.row);
    runner.fetch_predict_times(std::move(done));
  }
  if (util::interrupt_signal() != 0) {
    ctx.io.err << "Stopped: " << b.results.size() << " of " << plans.size()
               << " done; run the same command again to finish (nothing is paid twice).\n";
    util::throw_if_interrupted();
  }
  if (state) {
    try {
      state->complete();  // one record per key from now on
    } catch (const util::Error& e) {
      ctx.io.err << "warning: " << e.message() << " (the journal stays as it is)\n";
    }
  }
  if (!o.contact_sheet.empty() && images > 0) write_contact_sheet(ctx, b.results, o.contact_sheet);
  if (!ctx.global.quiet && (batch || failed))
    ctx.io.err << (failed ? "" : green(ctx.io, "\u2713") + " ") << plans.size() + bad_lines.size() - failed
               << " of " << plans.size() + bad_lines.size() << " done, " << images << " images, " << failed << " failed.\n";
  if (failed == 0) return 0;
  return failed == plans.size() + bad_lines.size() ? 1 : static_cast<int>(util::ExitCode::partial);
}

}  // namespace photoagent::cli
