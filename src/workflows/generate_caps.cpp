#include "generate_caps_detail.hpp"

#include "photoagent/store/predictions.hpp"
#include "photoagent/workflows/generate_job.hpp"
#include "photoagent/workflows/spend_cap.hpp"

namespace photoagent::workflows::detail {

UnpaidEstimate estimate_unpaid(store::Database& db, const Config& config, const std::vector<PlannedPrediction>& plans) {
  UnpaidEstimate e;
  for (const auto& p : plans) {
    if (auto row = store::find_prediction(db, p.key);
        row && (row->status == store::PredictionStatus::succeeded || !row->replicate_id.empty()))
      continue;  // paid (or running) already: a rerun does not pay it again
    ++e.predictions;
    e.usd += estimate_prediction_cost(config, p.model.full(), p.input_json);
    const std::size_t images = requested_images(p.input_json);
    for (const auto& [wanted, key] : {std::pair{p.upscale, "upscale.model"}, std::pair{p.face_restore, "face_restore.model"}})
      if (wanted) {
        e.predictions += images;
        e.usd += static_cast<double>(images) * estimate_prediction_cost(config, config.get_or_default(key), "{}");
      }
  }
  return e;
}

bool held_by_cap(const GenerateResult& r) {
  return r.error.empty() && r.row.replicate_id.empty() &&
         (r.row.status == store::PredictionStatus::intent || r.row.status == store::PredictionStatus::sent);
}

RunCap::RunCap(const SpendLimits& limits, const Config& config, PredictionRunner& runner) : runner_(runner) {
  if (!limits.any()) return;
  cap_.emplace(limits, [&config](const std::string& model, const std::string& input) {
    return estimate_prediction_cost(config, model, input);
  });
  runner_.set_spend_cap(&*cap_);
}

}  // namespace photoagent::workflows::detail

namespace photoagent::workflows {

void GenerateJob::check_caps(const std::vector<PlannedPrediction>& plans, const GenerateJobSpec& spec) {
  if (!spec.limits.max_usd) return;
  // The cost is checked up front; --max-predictions is a running cap (a CI
  // job may take a batch in chunks: each run creates at most N, exits 6, and
  // the next run goes on).
  SpendLimits cost_only;
  cost_only.max_usd = spec.limits.max_usd;
  const auto unpaid = detail::estimate_unpaid(db_, config_, plans);
  check_estimate(cost_only, unpaid.usd, unpaid.predictions, spec.batch.empty() ? "this generation" : "this batch");
}

}  // namespace photoagent::workflows
