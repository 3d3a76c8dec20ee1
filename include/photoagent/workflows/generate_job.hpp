#pragma once
// `photoagent generate` as one job (DESIGN §10): a prompt or a batch becomes
// planned predictions, which run on the worker pool through the one runner;
// the report says what happened. The cli parses, checks flag combinations,
// calls the job and renders the report and the events.
//
//   plan   batch lines (numbered, bad ones reported and skipped), identical
//          unseeded lines kept distinct, -n split, keys and seeds
//   dry    the predictions and their estimated cost; nothing is created
//   run    batch journal beside the output (imported into a fresh cache),
//          `concurrency` predictions at a time, each one result event;
//          every item ends with its files or as a failure
//   after  run times of sync answers fetched (spend complete), journal
//          compacted, contact sheet written

#include <cstddef>
#include <filesystem>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "photoagent/net/rate_limit.hpp"
#include "photoagent/services/api.hpp"
#include "photoagent/store/projects.hpp"
#include "photoagent/workflows/config.hpp"
#include "photoagent/workflows/generate.hpp"
#include "photoagent/workflows/rerun.hpp"
#include "photoagent/workflows/spend_cap.hpp"
#include "photoagent/workflows/shard.hpp"

namespace photoagent::workflows {

struct GenerateJobSpec {
  GenerateRequest request;  // the prompt, or every batch line's defaults
  std::string batch;        // file, or "-" for stdin; "" = the one prompt in `request`
  std::istream* stdin_stream = nullptr;
  bool wait = true;         // false: --no-wait (create, print ids)
  bool dry_run = false;
  unsigned concurrency = 0;  // 0: the setting generate.concurrency
  bool retry_unknown = false;
  bool retry_expired = false;
  std::filesystem::path contact_sheet;  // "" = none
  SpendLimits limits;  // --max-cost / --max-predictions (spend_cap.hpp)
  Shard shard;  // --shard K/N: only the batch lines of part K, into OUT/shard-K-of-N
};

// One finished prediction, kept small: a batch of 10,000 stays flat.
struct ItemSummary {
  std::string key;
  std::int64_t id = 0;
  bool ok = false;
  std::vector<std::string> files;
};

struct PlannedCost {
  PlannedPrediction plan;
  double cost_usd = -1;  // -1: billed by run time, unknown up front
};

struct GenerateReport {
  std::size_t planned = 0;
  std::size_t lines = 0, shard_lines = 0;  // a batch's readable lines; with --shard, those of this shard
  std::vector<std::pair<std::string, std::string>> bad_lines;  // where, why
  std::vector<ItemSummary> items;                              // in the order they finished
  std::size_t failed = 0;       // items with an error, bad lines, unaccounted items
  std::size_t unaccounted = 0;  // ended without their files
  std::size_t images = 0;
  int resumed = 0;  // predictions imported from the journal beside the output
  std::filesystem::path journal;
  bool interrupted = false;
  std::size_t held = 0;     // not started: the spend cap was reached (exit 6)
  std::string cap_message;  // "spend cap reached: ..." when it was
  std::size_t contact_sheet_columns = 0;  // 0: none written
  // Dry run.
  std::vector<PlannedCost> dry_run;
  double estimate_usd = 0;
  bool estimate_known = true;

  std::size_t total() const { return planned + bad_lines.size(); }
  // 0 all done; 1 all failed; 6 some failed or the spend cap held some back
  // (util::ExitCode::partial).
  int exit_code() const;
};

struct GenerateEvents {
  std::function<void(const GenerateResult&)> on_result;  // one at a time, as each finishes
  std::function<void(std::size_t done, std::size_t total)> on_progress;
  std::function<void(const std::string&)> on_notice;     // resumed, warnings
};

class GenerateJob {
 public:
  // `api`: Replicate, or Hugging Face inference when `hf` is set (then the
  // same object).
  GenerateJob(store::Database& db, const Config& config, const services::Api& api, net::SlidingWindowLimiter& limiter,
              std::optional<store::Project> project, const services::Api* hf = nullptr);

  // Plans and (unless a dry run) runs. util::Error for a plan that cannot
  // run at all (one prompt refused); a batch's bad lines are in the report.
  // Ctrl-C: what is in flight is recorded, then util::Error(interrupted).
  GenerateReport run(const GenerateJobSpec& spec, const GenerateEvents& events);

  // --collect REF (g12 or Replicate's id): waits for it and downloads it;
  // with a retry flag an expired or unknown one is run again.
  GenerateReport collect(const std::string& ref, bool retry_unknown, bool retry_expired, const GenerateEvents& events);

  // --name TEMPLATE / --overwrite for every output this job writes.
  void set_output_names(std::string name_template, bool overwrite) {
    gen_.set_output_names(std::move(name_template), overwrite);
  }

  // --rerun: `original` again with `overrides` (rerun.hpp), into
  // spec.request.out_dir; spec.wait and spec.dry_run apply. The job's
  // project and provider must be the original's.
  GenerateReport rerun(const store::PredictionRow& original, const std::optional<store::Project>& project,
                       const RerunOverrides& overrides, const GenerateJobSpec& spec, const GenerateEvents& events);

 private:
  std::vector<PlannedPrediction> plan(const GenerateJobSpec& spec, GenerateReport& report);
  // util::Error (usage, exit 2) when what is not paid yet is estimated over a cap.
  void check_caps(const std::vector<PlannedPrediction>& plans, const GenerateJobSpec& spec);
  void run_plans(const std::vector<PlannedPrediction>& plans, const GenerateJobSpec& spec, GenerateReport& report,
                 const GenerateEvents& events);

  store::Database& db_;
  const Config& config_;
  const services::Api& api_;
  bool hf_;
  PredictionRunner runner_;
  Generator gen_;
};

}  // namespace photoagent::workflows
