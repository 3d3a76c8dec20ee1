#include "status.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <cmath>
#include <set>
#include <thread>

#include <SQLiteCpp/Statement.h>

#include "../output/json.hpp"
#include "../output/table.hpp"
#include "photoagent/net/retry.hpp"
#include "photoagent/store/predictions.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/workflows/projects.hpp"
#include "photoagent/workflows/trainers.hpp"
#include "photoagent/workflows/runner.hpp"
#include "train.hpp"
#include "training_view.hpp"

namespace photoagent::cli {
using nlohmann::json;

namespace {

// Nothing more will happen by itself (unknown, expired and abandoned wait
// for the user's --retry-* flag).
bool terminal(const std::string& s) {
  return s == "succeeded" || s == "failed" || s == "canceled" || s == "aborted" || s == "unknown" ||
         s == "expired" || s == "abandoned";
}

struct Selection {
  std::vector<store::TrainingRow> trainings;
  std::vector<store::PredictionRow> predictions;
};

Selection select(Context& ctx, const StatusOptions& o) {
  Selection sel;
  std::string target = !o.project.empty() ? o.project : o.target;
  if (!target.empty() && o.project.empty() && !store::find_project(ctx.db(), target) &&
      looks_like_training_ref(ctx, target)) {
    sel.trainings.push_back(resolve_training(ctx, target));
    return sel;
  }
  std::int64_t project_id = 0;
  if (!target.empty()) project_id = workflows::resolve_project(ctx.db(), ctx.config(), target).id;
  sel.trainings = store::list_trainings(ctx.db(), project_id);
  for (auto& p : store::unfinished_predictions(ctx.db()))
    if (project_id == 0 || p.project_id == project_id) sel.predictions.push_back(std::move(p));
  return sel;
}

// Asks Replicate about everything unfinished and finishes what succeeded
// (push, email): whichever photoagent sees the success first does it.
void refresh(Context& ctx, Selection& sel, std::vector<std::string>& problems) {
  bool need = false;
  for (const auto& t : sel.trainings) need = need || !workflows::training_settled(t);
  if (!need) return;
  if (!ctx.credentials().find(services::Service::replicate)) {
    problems.push_back("not logged in to Replicate: showing what the cache knows");
    return;
  }
  auto services = training_services(ctx);
  std::set<std::int64_t> projects;
  for (const auto& t : sel.trainings)
    if (!terminal(t.status) && t.replicate_id.empty()) projects.insert(t.project_id);
  for (auto id : projects) workflows::unfinished_trainings(ctx.db(), *services.replicate, id);
  for (auto& t : sel.trainings) {
    if (workflows::training_settled(t)) continue;
    try {
      if (auto fresh = store::find_training(ctx.db(), t.id)) t = *fresh;
      else continue;
      if (!terminal(t.status)) t = workflows::refresh_training(ctx.db(), *services.replicate, t);
      t = workflows::complete_training(ctx.db(), ctx.config(), services, t);
    } catch (const util::Error& e) {
      problems.push_back(store::training_ref(t.id) + ": " + e.message());
    }
  }
}

int exit_code_for(const Selection& sel) {
  bool running = false, failed = false;
  for (const auto& t : sel.trainings) {
    running = running || !terminal(t.status);
    failed = failed || t.status == "failed" || t.status == "canceled" || t.status == "aborted" || t.status == "unknown";
  }
  for (const auto& p : sel.predictions) {
    running = running || !terminal(p.status);
    failed = failed || p.status == "unknown";
  }
  return running ? static_cast<int>(util::ExitCode::pending) : failed ? 1 : 0;
}

void show(Context& ctx, const Selection& sel, const StatusOptions& o) {
  if (ctx.global.json) {
    json trainings = json::array(), predictions = json::array();
    for (const auto& t : sel.trainings) {
      json j = training_json(ctx, t);
      if (o.logs) j["logs"] = t.logs_tail;
      trainings.push_back(std::move(j));
    }
    for (const auto& p : sel.predictions) {
      json input = json::parse(p.input, nullptr, false);
      predictions.push_back({{"id", "g" + std::to_string(p.id)}, {"replicate_id", p.replicate_id.empty() ? json(nullptr) : json(p.replicate_id)},
                             {"status", p.status}, {"purpose", p.purpose}, {"model", p.model},
                             {"prompt", input.is_object() ? input.value("prompt", json(nullptr)) : json(nullptr)},
                             {"error", p.error.empty() ? json(nullptr) : json(p.error)},
                             {"web_url", p.replicate_id.empty() ? json("https://replicate.com/predictions")
                                                                : json("https://replicate.com/p/" + p.replicate_id)}});
    }
    print_json(ctx.io, {{"trainings", trainings}, {"predictions", predictions}});
    return;
  }
  if (sel.trainings.empty() && sel.predictions.empty()) {
    if (!ctx.global.quiet) ctx.io.err << "Nothing has been trained or started yet.\n";
    return;
  }
  if (!sel.trainings.empty()) {
    Table t(training_headers());
    for (const auto& row : sel.trainings) t.add(training_cells(ctx, row));
    t.print(ctx.io);
  }
  for (const auto& row : sel.trainings) {
    if (!row.error.empty()) ctx.io.err << store::training_ref(row.id) << ": " << row.error << "\n";
    if (!row.hf_error.empty() && row.hf_commit.empty())
      ctx.io.err << store::training_ref(row.id) << ": Hugging Face push failed: " << row.hf_error << "\n";
    if (row.notify_state == "claimed" && !row.notify_error.empty())
      ctx.io.err << store::training_ref(row.id) << ": the email may or may not have been sent (" << row.notify_error
                 << "); 'photoagent status " << store::training_ref(row.id) << " --notify' sends it again\n";
    if (o.logs && !row.logs_tail.empty()) ctx.io.out << "--- " << store::training_ref(row.id) << " log ---\n" << row.logs_tail << "\n";
  }
  if (!sel.predictions.empty()) {
    Table p({"id", "purpose", "model", "status", "replicate id"});
    for (const auto& row : sel.predictions)
      p.add({"g" + std::to_string(row.id), row.purpose, row.model, row.status, row.replicate_id});
    if (!sel.trainings.empty()) ctx.io.out << "\n";
    p.print(ctx.io);
    for (const auto& row : sel.predictions)
      if (row.status == "unknown") ctx.io.err << "g" << row.id << ": " << row.error << "\n";
  }
}

// Sync answers carry no run time; anything still missing one is asked
// about now (a list page per 100), so spend is complete (DESIGN §10).
void fill_predict_times(Context& ctx) {
  auto missing = store::predictions_missing_predict_time(ctx.db());
  if (missing.empty() || !ctx.credentials().find(services::Service::replicate)) return;
  try {
    workflows::PredictionRunner runner(ctx.db(), ctx.api(services::Service::replicate), ctx.create_limiter());
    runner.fetch_predict_times(std::move(missing));
  } catch (const util::Error& e) {
    if (e.is_interruption()) throw;
    ctx.io.err << "Run times of some predictions are not known yet: " << e.message() << "\n";
  }
}

int spend(Context& ctx, const Selection& sel, bool all_projects) {
  struct Sum {
    int trainings = 0;
    double training_usd = 0;
    int predictions = 0;
    double predict_seconds = 0;
    double prediction_usd = 0;
  };
  std::map<std::string, Sum> by_project;
  for (const auto& t : sel.trainings) {
    auto& s = by_project[t.project];
    ++s.trainings;
    s.training_usd += workflows::training_cost(ctx.config(), t);
  }
  // Only the projects asked about (all when none was named).
  std::set<std::string> wanted;
  for (const auto& t : sel.trainings) wanted.insert(t.project);
  SQLite::Statement q(ctx.db().sql(),
                      "SELECT COALESCE(p.name, '-'), r.model, COALESCE(r.predict_time, -1), COALESCE(r.files, '[]')"
                      " FROM predictions r LEFT JOIN projects p ON p.id = r.project_id"
                      " WHERE r.status IN ('succeeded', 'expired')");
  while (q.executeStep()) {
    if (!all_projects && !wanted.count(q.getColumn(0).getString())) continue;
    auto& s = by_project[q.getColumn(0).getString()];
    ++s.predictions;
    const double seconds = q.getColumn(2).getDouble();
    if (seconds > 0) s.predict_seconds += seconds;
    const json files = json::parse(q.getColumn(3).getString(), nullptr, false);
    const double cost = workflows::prediction_cost(ctx.config(), q.getColumn(1).getString(), seconds,
                                                   files.is_array() ? std::max<std::size_t>(files.size(), 1) : 1);
    if (cost > 0) s.prediction_usd += cost;
  }
  json out = json::array();
  Table t({"project", "trainings", "training cost", "predictions", "prediction cost", "total"});
  for (const auto& [name, s] : by_project) {
    const double total = s.training_usd + s.prediction_usd;
    out.push_back({{"project", name}, {"trainings", s.trainings}, {"training_cost_usd", std::round(s.training_usd * 100) / 100},
                   {"predictions", s.predictions}, {"predict_seconds", s.predict_seconds},
                   {"prediction_cost_usd", std::round(s.prediction_usd * 10000) / 10000},
                   {"total_usd", std::round(total * 100) / 100}});
    char usd[32], pusd[32], tusd[32];
    std::snprintf(usd, sizeof usd, "$%.2f", s.training_usd);
    std::snprintf(pusd, sizeof pusd, "$%.3f", s.prediction_usd);
    std::snprintf(tusd, sizeof tusd, "$%.2f", total);
    t.add({name, std::to_string(s.trainings), usd, std::to_string(s.predictions), pusd, tusd});
  }
  if (ctx.global.json) print_json(ctx.io, out);
  else t.print(ctx.io);
  return 0;
}

}  // namespace

int run_status(Context& ctx, const StatusOptions& o) {
  if (!o.cancel.empty()) {
    TrainOptions t;
    t.cancel = o.cancel;
    return run_train(ctx, t);
  }
  if (o.notify) {
    if (o.target.empty()) throw util::usage_error("--notify needs the training: photoagent status t12 --notify");
    store::reset_notification(ctx.db(), resolve_training(ctx, o.target).id);
  }
  Selection sel = select(ctx, o);
  std::vector<std::string> problems;
  if (!o.offline) refresh(ctx, sel, problems);
  if (o.spend && !o.offline) fill_predict_times(ctx);
  if (o.spend) return spend(ctx, sel, o.target.empty() && o.project.empty());
  for (;;) {
    for (const auto& p : problems) warn(ctx.io, p);
    if (!o.watch || exit_code_for(sel) != static_cast<int>(util::ExitCode::pending)) break;
    if (ctx.io.stdout_tty && !ctx.global.json) ctx.io.out << "\x1b[H\x1b[2J";  // redraw in place
    show(ctx, sel, o);
    net::interruptible_sleep(std::chrono::seconds(2));
    problems.clear();
    sel = select(ctx, o);
    refresh(ctx, sel, problems);
  }
  show(ctx, sel, o);
  return o.exit_status ? exit_code_for(sel) : 0;
}

}  // namespace photoagent::cli
