#include "photoagent/workflows/generate_job.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "photoagent/image/contact_sheet.hpp"
#include "photoagent/store/predictions.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/interrupt.hpp"
#include "photoagent/util/time.hpp"
#include "photoagent/util/text_check.hpp"
#include "photoagent/util/worker_pool.hpp"
#include "photoagent/workflows/batch_file.hpp"
#include "photoagent/workflows/batch_state.hpp"
#include "photoagent/workflows/index_job.hpp"
#include "photoagent/workflows/trainers.hpp"
#include "generate_caps_detail.hpp"

namespace photoagent::workflows {
using nlohmann::json;
namespace fs = std::filesystem;

int GenerateReport::exit_code() const {
  if (held > 0) return static_cast<int>(util::ExitCode::partial);
  if (failed == 0) return 0;
  return failed >= total() ? 1 : static_cast<int>(util::ExitCode::partial);
}

GenerateJob::GenerateJob(store::Database& db, const Config& config, const services::Api& api,
                         net::SlidingWindowLimiter& limiter, std::optional<store::Project> project,
                         const services::Api* hf)
    : db_(db), config_(config), api_(api), hf_(hf != nullptr),
      runner_(db, hf ? huggingface_backend(*hf) : replicate_backend(api), limiter),
      gen_(db, config, api, runner_, std::move(project)) {
  if (hf) gen_.set_hf_inference(hf);
}

std::vector<PlannedPrediction> GenerateJob::plan(const GenerateJobSpec& spec, GenerateReport& report) {
  if (spec.batch.empty()) return gen_.plan(spec.request);
  if (spec.stdin_stream == nullptr && spec.batch == "-") throw util::usage_error("no standard input to read the batch from");
  std::vector<PlannedPrediction> plans;
  std::map<std::string, int> seen;  // identical unseeded lines stay distinct (DESIGN §9)
  for (auto& line : read_batch(*spec.stdin_stream, spec.batch, spec.request)) {
    if (!line.error.empty()) {
      report.bad_lines.emplace_back(line.where, line.error);
      continue;
    }
    auto& r = line.request;
    if (r.id.empty() && !r.seed) {
      const json fingerprint = {r.prompt, r.style, r.model, r.n, r.aspect, r.format, r.negative, r.inputs};
      r.occurrence = seen[fingerprint.dump()]++;
    }
    ++report.lines;
    if (!in_shard(r, spec.shard)) continue;  // another shard's line (after counting: occurrences stay alike)
    ++report.shard_lines;
    try {
      for (auto& p : gen_.plan(r)) plans.push_back(std::move(p));
    } catch (const util::Error& e) {
      util::throw_if_interrupted();
      report.bad_lines.emplace_back(line.where, e.message());
    } catch (const std::exception& e) {
      report.bad_lines.emplace_back(line.where, std::string("cannot plan this line: ") + e.what());
    }
  }
  return plans;
}

GenerateReport GenerateJob::run(const GenerateJobSpec& spec_in, const GenerateEvents& events) {
  gen_.set_retry(spec_in.retry_unknown, spec_in.retry_expired);
  GenerateReport report;
  GenerateJobSpec spec = spec_in;
  // A batch's folder never mixes splits; a shard writes into its own (shard.hpp).
  if (!spec.batch.empty()) spec.request.out_dir = batch_folder(fs::absolute(spec.request.out_dir), spec.shard);
  auto plans = plan(spec, report);
  report.planned = plans.size();
  if (spec.shard.active() && events.on_notice)
    events.on_notice("Shard " + std::to_string(spec.shard.k) + "/" + std::to_string(spec.shard.n) + ": " +
                     std::to_string(report.shard_lines) + " of " +
                     std::to_string(report.lines) + " lines, into " + spec.request.out_dir.string());
  if (spec.dry_run) {
    check_caps(plans, spec);
    for (auto& p : plans) {
      const json input = json::parse(p.input_json);
      const std::size_t images = input.value("num_outputs", 1);
      // Per-image prices are known up front; per-second ones only after running.
      const double cost = prediction_cost(config_, p.model.full(), -1, images);
      if (cost < 0) report.estimate_known = false;
      else report.estimate_usd += cost;
      report.dry_run.push_back({std::move(p), cost});
    }
    report.failed = report.bad_lines.size();
    return report;
  }
  run_plans(plans, spec, report, events);
  return report;
}

void GenerateJob::run_plans(const std::vector<PlannedPrediction>& plans, const GenerateJobSpec& spec,
                            GenerateReport& report, const GenerateEvents& events) {
  const std::string started = util::now_iso8601();  // embed.auto: the outputs made from now on
  // A batch keeps its journal beside its output, so a runner that caches
  // only that folder resumes without paying twice; a fresh cache learns it
  // first (DESIGN §10).
  std::unique_ptr<BatchState> state;
  if (!spec.batch.empty() && !hf_) {
    state = std::make_unique<BatchState>(fs::absolute(spec.request.out_dir));
    std::vector<BatchItem> items;
    items.reserve(plans.size());
    for (const auto& p : plans) items.push_back({p.key, {p.prompt, p.style, p.out_dir.string(), p.seed}});
    report.resumed = state->import_missing(db_, items);
    report.journal = state->file();
    if (report.resumed > 0 && events.on_notice)
      events.on_notice("Resuming " + std::to_string(report.resumed) + " predictions recorded in " +
                       state->file().string());
    gen_.set_batch_state(state.get());
  }
  // After the import: what the journal says is paid is not estimated again.
  check_caps(plans, spec);
  detail::RunCap run_cap(spec.limits, config_, runner_);
  SpendCap* const cap = run_cap.get();

  const unsigned concurrency = static_cast<unsigned>(
      spec.concurrency > 0 ? spec.concurrency : config_.get_number("generate.concurrency", 1, 256));
  std::mutex mu;
  std::vector<store::PredictionRow> without_run_time;
  // Results are folded into the report as they come (nothing per item is
  // kept but its key, id and files), so a large batch stays flat.
  auto work = [&](std::size_t i) {
    if (cap && cap->closed()) {  // the cap is reached: what is not started waits for a rerun
      std::lock_guard lock(mu);
      ++report.held;
      return;
    }
    auto r = gen_.run(plans[i], spec.wait);  // a failed prediction is a result; Ctrl-C throws
    std::lock_guard lock(mu);
    if (cap && detail::held_by_cap(r)) {
      ++report.held;  // refused by the cap at its create
      return;
    }
    if (cap) cap->settle(plans[i].key, r.cost_usd);
    if (events.on_result) events.on_result(r);
    const bool ok = r.error.empty();
    report.failed += !ok;
    report.images += r.files.size();
    if (ok && spec.wait && r.files.empty()) ++report.unaccounted;  // a success without its files is none
    if (ok && r.row.status == store::PredictionStatus::succeeded && r.row.predict_time < 0) {
      store::PredictionRow slim;  // what fetching the run time needs, nothing more: 10,000 of them stay small
      slim.id = r.row.id;
      slim.replicate_id = r.row.replicate_id;
      slim.created_at = r.row.created_at;
      without_run_time.push_back(std::move(slim));
    }
    report.items.push_back({plans[i].key, r.row.id, ok, std::move(r.files)});
  };
  auto done = [&](const util::ItemDone& d) {
    if (d.outcome.state == util::ItemState::failed) {
      // Not a prediction's failure: something around it threw. It is a
      // failed item like any other: reported, and counted once (not again
      // as an item without its files).
      GenerateResult r;
      r.plan = plans[d.index];
      r.error = d.outcome.error.empty() ? "failed" : d.outcome.error;
      std::lock_guard lock(mu);
      ++report.failed;
      report.items.push_back({plans[d.index].key, 0, false, {}});
      if (events.on_result) events.on_result(r);
    }
    if (events.on_progress) events.on_progress(d.done, d.total);
  };
  const auto pool = util::parallel_for_each(plans.size(), concurrency, work, done);
  gen_.set_batch_state(nullptr);

  report.failed += report.bad_lines.size();
  if (report.held > 0) report.cap_message = cap->reached_message(report.held);
  if (pool.stopped || util::interrupt_signal() != 0) {
    report.interrupted = true;
    return;
  }
  if (spec.wait) {
    // Every item ends with its files or as a failure: one the journal holds
    // no files for is not a success either.
    report.unaccounted += plans.size() - std::min(plans.size(), report.items.size() + report.held);
    if (state) {
      std::vector<std::string> done;
      for (const auto& it : report.items)
        if (it.ok && !it.files.empty()) done.push_back(it.key);
      report.unaccounted += state->without_files(done).size();
    }
    report.failed += report.unaccounted;
    // Sync answers carry no run time: learn it now, a list page per 100
    // predictions, so spend is complete (DESIGN §10).
    if (!hf_) runner_.fetch_predict_times(std::move(without_run_time));
    // embed.auto (Replicate only: the embedding model is there).
    if (!hf_)
      for (const auto& f : auto_embed_since(db_, config_, runner_, started, "generated", &api_))
        if (events.on_notice)
          events.on_notice("warning: output image " + std::to_string(f.image_id) + " not embedded: " + f.error +
                           " ('photoagent search --index' tries again)");
  }
  if (state) {
    try {
      state->complete();  // one record per key from now on
    } catch (const util::Error& e) {
      if (events.on_notice) events.on_notice("warning: " + e.message() + " (the journal stays as it is)");
    }
  }
  if (!spec.contact_sheet.empty() && report.images > 0) {
    std::vector<fs::path> files;
    for (const auto& it : report.items)
      for (const auto& f : it.files) files.push_back(f);
    report.contact_sheet_columns = image::write_contact_sheet(files, spec.contact_sheet).columns;
  }
}

GenerateReport GenerateJob::collect(const std::string& ref, bool retry_unknown, bool retry_expired,
                                    const GenerateEvents& events) {
  if (hf_) throw util::usage_error("--collect is for Replicate predictions; Hugging Face answers at once");
  std::optional<store::PredictionRow> row;
  // g12: checked parsing, so an id too large for a number is simply not found.
  if (ref.size() > 1 && ref[0] == 'g')
    if (const auto id = util::parse_int64(std::string_view(ref).substr(1)); id && *id > 0)
      row = store::find_prediction_by_id(db_, *id);
  if (!row) row = store::find_prediction_by_replicate_id(db_, ref);
  if (!row) throw util::not_found("no generation '" + util::excerpt(ref) + "'", "See pending ones with 'photoagent status'.");
  gen_.set_retry(retry_unknown, retry_expired);
  auto result = gen_.collect(runner_.resume(*row, std::chrono::minutes(30)));
  const auto& st = result.row.status;
  if ((st == store::PredictionStatus::expired && retry_expired) || (st == store::PredictionStatus::unknown && retry_unknown))
    result = gen_.retry(result.row);
  GenerateReport report;
  report.planned = 1;
  if (events.on_result) events.on_result(result);
  report.failed = !result.error.empty();
  report.images = result.files.size();
  report.items.push_back({result.row.key, result.row.id, result.error.empty(), result.files});
  return report;
}

}  // namespace photoagent::workflows
