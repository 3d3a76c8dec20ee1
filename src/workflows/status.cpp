#include "photoagent/workflows/status.hpp"

#include <map>
#include <set>

#include "photoagent/store/spend.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/time.hpp"
#include "photoagent/util/text_check.hpp"
#include "photoagent/workflows/projects.hpp"
#include "photoagent/workflows/runner.hpp"
#include "photoagent/workflows/trainers.hpp"

namespace photoagent::workflows {

bool looks_like_training_ref(store::Database& db, const std::string& ref) {
  if (ref.size() > 1 && ref[0] == 't' && ref.find_first_not_of("0123456789", 1) == std::string::npos) return true;
  return store::find_training_by_replicate_id(db, ref).has_value();
}

store::TrainingRow resolve_training(store::Database& db, const std::string& ref) {
  std::string digits = ref.size() > 1 && ref[0] == 't' ? ref.substr(1) : ref;
  if (const auto id = util::parse_int64(digits); id && *id > 0)  // checked: too large a number is not found
    if (auto r = store::find_training(db, *id)) return *r;
  if (auto r = store::find_training_by_replicate_id(db, ref)) return *r;
  throw util::not_found("no training '" + ref + "'", "See them with 'photoagent status'.");
}

std::string training_ref(std::int64_t id) { return store::training_ref(id); }

void resend_notification(store::Database& db, const std::string& ref) {
  store::reset_notification(db, resolve_training(db, ref).id);
}

StatusSelection select_status(store::Database& db, const Config& config, const std::string& project,
                              const std::string& target_arg) {
  StatusSelection sel;
  const std::string target = !project.empty() ? project : target_arg;
  if (!target.empty() && project.empty() && !store::find_project(db, target) && looks_like_training_ref(db, target)) {
    sel.trainings.push_back(resolve_training(db, target));
    return sel;
  }
  std::int64_t project_id = 0;
  if (!target.empty()) project_id = resolve_project(db, config, target).id;
  sel.trainings = store::list_trainings(db, project_id);
  for (auto& p : store::unfinished_predictions(db))
    if (project_id == 0 || p.project_id == project_id) sel.predictions.push_back(std::move(p));
  return sel;
}

bool status_settled(store::TrainingStatus s) { return store::settled(s); }

std::vector<std::string> refresh_status(store::Database& db, const Config& config, const Services& services,
                                        StatusSelection& sel) {
  std::vector<std::string> problems;
  std::set<std::int64_t> projects;
  for (const auto& t : sel.trainings)
    if (!status_settled(t.status) && t.replicate_id.empty()) projects.insert(t.project_id);
  for (auto id : projects) unfinished_trainings(db, *services.replicate, id);
  for (auto& t : sel.trainings) {
    if (training_settled(t)) continue;
    try {
      if (auto fresh = store::find_training(db, t.id)) t = *fresh;
      else continue;
      if (!status_settled(t.status)) t = refresh_training(db, *services.replicate, t);
      const bool delete_failed_before = !t.upload_error.empty();
      t = complete_training(db, config, services, t);
      if (!delete_failed_before && !t.upload_error.empty())  // said once; later refreshes retry quietly
        problems.push_back(training_ref(t.id) + ": could not delete the training zip from Replicate (" +
                           t.upload_error + "); the next 'photoagent status' tries again");
    } catch (const util::Error& e) {
      if (e.is_interruption()) throw;
      problems.push_back(training_ref(t.id) + ": " + e.message());
    }
  }
  return problems;
}

int status_exit_code(const StatusSelection& sel) {
  bool running = false, failed = false;
  for (const auto& t : sel.trainings) {
    running = running || !status_settled(t.status);
    failed = failed || store::failed(t.status) || t.status == store::TrainingStatus::unknown;
  }
  for (const auto& p : sel.predictions) {
    running = running || !store::settled(p.status);
    failed = failed || p.status == store::PredictionStatus::unknown;
  }
  return running ? static_cast<int>(util::ExitCode::pending) : failed ? 1 : 0;
}

void check_spend_date(const std::string& date) {
  const bool shape = date.size() == 10 && date[4] == '-' && date[7] == '-' &&
                     date.find_first_not_of("0123456789-") == std::string::npos;
  if (!shape || !util::parse_iso8601(date + "T00:00:00Z"))
    throw util::usage_error("--since takes a date, YYYY-MM-DD, not '" + date + "'");
}

std::vector<ProjectSpend> spend_by_project(store::Database& db, const Config& config, const StatusSelection& sel,
                                           bool all, const SpendQuery& query) {
  // Rows keyed by (day, project): the day stays "" unless grouped by day.
  std::map<std::pair<std::string, std::string>, ProjectSpend> by_project;
  auto day_of = [&](const std::string& iso) { return query.by_day ? iso.substr(0, 10) : std::string(); };
  auto too_old = [&](const std::string& iso) { return !query.since.empty() && iso.substr(0, 10) < query.since; };
  for (const auto& t : sel.trainings) {
    if (too_old(t.created_at)) continue;
    auto& s = by_project[{day_of(t.created_at), t.project}];
    ++s.trainings;
    s.training_usd += training_cost(config, t);
  }
  std::set<std::string> wanted;  // only the projects asked about (all when none was named)
  for (const auto& t : sel.trainings) wanted.insert(t.project);
  for (const auto& p : store::billed_predictions(db)) {
    if (!all && !wanted.count(p.project)) continue;
    if (too_old(p.created_at)) continue;
    auto& s = by_project[{day_of(p.created_at), p.project}];
    ++s.predictions;
    if (p.predict_time > 0) s.predict_seconds += p.predict_time;
    const double cost = prediction_cost(config, p.model, p.predict_time, std::max<std::size_t>(p.files, 1));
    if (cost > 0) s.prediction_usd += cost;
  }
  std::vector<ProjectSpend> out;
  for (auto& [key, s] : by_project) {
    s.day = key.first;
    s.project = key.second;
    out.push_back(s);
  }
  return out;
}

int fill_predict_times(store::Database& db, const services::Api& replicate, net::SlidingWindowLimiter& limiter) {
  auto missing = store::predictions_missing_predict_time(db);
  if (missing.empty()) return 0;
  PredictionRunner runner(db, replicate, limiter);
  return runner.fetch_predict_times(std::move(missing));
}

}  // namespace photoagent::workflows
