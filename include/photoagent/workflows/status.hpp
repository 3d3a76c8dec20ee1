#pragma once
// `photoagent status`: what is running or done, refreshed from Replicate
// (finishing what succeeded: push, email), and what it all cost.

#include <string>
#include <vector>

#include "photoagent/net/rate_limit.hpp"
#include "photoagent/services/api.hpp"
#include "photoagent/store/predictions.hpp"
#include "photoagent/store/trainings.hpp"
#include "photoagent/workflows/config.hpp"
#include "photoagent/workflows/training.hpp"

namespace photoagent::workflows {

struct StatusSelection {
  std::vector<store::TrainingRow> trainings;
  std::vector<store::PredictionRow> predictions;
};

// `target` is a project name, a training id (t12, 12) or a Replicate id;
// `project` (-p) a project name. Neither: everything.
StatusSelection select_status(store::Database& db, const Config& config, const std::string& project,
                              const std::string& target);

// Asks Replicate about everything unfinished and finishes what succeeded
// (push, email): whichever photoagent sees the success first does it.
// Returns the problems met (one line each); never throws but for Ctrl-C.
std::vector<std::string> refresh_status(store::Database& db, const Config& config, const Services& services,
                                        StatusSelection& selection);

// Nothing more will happen by itself (unknown, expired and abandoned wait
// for the user's --retry-* flag).
bool status_settled(store::TrainingStatus status);
// --exit-status: 8 while anything runs, 1 when a training failed or an
// outcome is unknown, else 0.
int status_exit_code(const StatusSelection& selection);

struct ProjectSpend {
  std::string day;  // YYYY-MM-DD (UTC) when grouped by day, else ""
  std::string project;
  int trainings = 0;
  double training_usd = 0;
  int predictions = 0;
  double predict_seconds = 0;
  double prediction_usd = 0;
};
// Cost by project: trainings (run time x hardware price) and predictions
// (per image, or run time); only the selection's projects unless `all`.
struct SpendQuery {
  bool by_day = false;  // one row per day (UTC) and project
  std::string since;    // YYYY-MM-DD: only what was started that day or later ("" = all)
};
std::vector<ProjectSpend> spend_by_project(store::Database& db, const Config& config, const StatusSelection& selection,
                                           bool all, const SpendQuery& query = {});
// util::Error (usage) unless `date` is YYYY-MM-DD.
void check_spend_date(const std::string& date);

// Sync answers carry no run time: fetches what is missing (a list page per
// 100), so spend is complete (DESIGN §10). Returns how many it learnt.
int fill_predict_times(store::Database& db, const services::Api& replicate, net::SlidingWindowLimiter& limiter);

// Ids people type: t12, 12, or Replicate's id.
bool looks_like_training_ref(store::Database& db, const std::string& ref);
store::TrainingRow resolve_training(store::Database& db, const std::string& ref);
std::string training_ref(std::int64_t id);
// `status t12 --notify`: the email goes again at the next refresh.
void resend_notification(store::Database& db, const std::string& ref);

}  // namespace photoagent::workflows
