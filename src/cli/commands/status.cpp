#include "status.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <cmath>
#include <set>
#include <thread>

#include "../output/json.hpp"
#include "../output/table.hpp"
#include "photoagent/net/retry.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/printable.hpp"
#include "photoagent/workflows/projects.hpp"
#include "photoagent/workflows/trainers.hpp"
#include "photoagent/workflows/status.hpp"
#include "train.hpp"
#include "training_view.hpp"

namespace photoagent::cli {
using nlohmann::json;

namespace {

using Selection = workflows::StatusSelection;

// Refreshes from Replicate what may still change, when logged in.
void refresh(Context& ctx, Selection& sel, std::vector<std::string>& problems) {
  bool need = false;
  for (const auto& t : sel.trainings) need = need || !workflows::training_settled(t);
  if (!need) return;
  if (!ctx.credentials().find(services::Service::replicate)) {
    problems.push_back("not logged in to Replicate: showing what the cache knows");
    return;
  }
  for (auto& p : workflows::refresh_status(ctx.db(), ctx.config(), training_services(ctx), sel)) problems.push_back(p);
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
                             {"status", store::to_string(p.status)}, {"purpose", p.purpose}, {"model", p.model},
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
    // Errors and logs are remote text (util::printable: no terminal controls, no token).
    if (!row.error.empty()) ctx.io.err << workflows::training_ref(row.id) << ": " << util::printable(row.error) << "\n";
    if (!row.hf_error.empty() && row.hf_commit.empty())
      ctx.io.err << workflows::training_ref(row.id) << ": Hugging Face push failed: " << util::printable(row.hf_error)
                 << "\n";
    if (row.notify_state == "claimed" && !row.notify_error.empty())
      ctx.io.err << workflows::training_ref(row.id) << ": the email may or may not have been sent ("
                 << util::printable_line(row.notify_error)
                 << "); 'photoagent status " << workflows::training_ref(row.id) << " --notify' sends it again\n";
    if (o.logs && !row.logs_tail.empty()) ctx.io.out << "--- " << workflows::training_ref(row.id) << " log ---\n" << util::printable(row.logs_tail) << "\n";
  }
  if (!sel.predictions.empty()) {
    Table p({"id", "purpose", "model", "status", "replicate id"});
    for (const auto& row : sel.predictions)
      p.add({"g" + std::to_string(row.id), row.purpose, row.model, store::to_string(row.status), row.replicate_id});
    if (!sel.trainings.empty()) ctx.io.out << "\n";
    p.print(ctx.io);
    for (const auto& row : sel.predictions)
      if (row.status == store::PredictionStatus::unknown) ctx.io.err << "g" << row.id << ": " << util::printable_line(row.error) << "\n";
  }
}

int spend(Context& ctx, const Selection& sel, bool all_projects, bool online, const workflows::SpendQuery& query) {
  if (online && ctx.credentials().find(services::Service::replicate)) {
    try {
      workflows::fill_predict_times(ctx.db(), ctx.api(services::Service::replicate), ctx.create_limiter());
    } catch (const util::Error& e) {
      if (e.is_interruption()) throw;
      ctx.io.err << "Run times of some predictions are not known yet: " << e.message() << "\n";
    }
  }
  json out = json::array();
  std::vector<std::string> headers{"project", "trainings", "training cost", "predictions", "prediction cost", "total"};
  if (query.by_day) headers.insert(headers.begin(), "day");
  Table t(headers);
  for (const auto& s : workflows::spend_by_project(ctx.db(), ctx.config(), sel, all_projects, query)) {
    const double total = s.training_usd + s.prediction_usd;
    json row = {{"project", s.project}, {"trainings", s.trainings}, {"training_cost_usd", std::round(s.training_usd * 100) / 100},
                {"predictions", s.predictions}, {"predict_seconds", s.predict_seconds},
                {"prediction_cost_usd", std::round(s.prediction_usd * 10000) / 10000},
                {"total_usd", std::round(total * 100) / 100}};
    if (query.by_day) row["day"] = s.day;
    out.push_back(std::move(row));
    char usd[32], pusd[32], tusd[32];
    std::snprintf(usd, sizeof usd, "$%.2f", s.training_usd);
    std::snprintf(pusd, sizeof pusd, "$%.3f", s.prediction_usd);
    std::snprintf(tusd, sizeof tusd, "$%.2f", total);
    std::vector<std::string> cells{s.project, std::to_string(s.trainings), usd, std::to_string(s.predictions), pusd, tusd};
    if (query.by_day) cells.insert(cells.begin(), s.day);
    t.add(cells);
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
    workflows::resend_notification(ctx.db(), o.target);
  }
  if (!o.spend && (!o.spend_by.empty() || !o.since.empty()))
    throw util::usage_error("--by and --since go with --spend", "e.g. photoagent status --spend --by day --since 2026-01-01");
  workflows::SpendQuery query;
  query.by_day = o.spend_by == "day";
  query.since = o.since;
  if (!query.since.empty()) workflows::check_spend_date(query.since);
  Selection sel = workflows::select_status(ctx.db(), ctx.config(), o.project, o.target);
  std::vector<std::string> problems;
  if (!o.offline) refresh(ctx, sel, problems);
  if (o.spend) return spend(ctx, sel, o.target.empty() && o.project.empty(), !o.offline, query);
  for (;;) {
    for (const auto& p : problems) warn(ctx.io, p);
    if (!o.watch || workflows::status_exit_code(sel) != static_cast<int>(util::ExitCode::pending)) break;
    if (ctx.io.stdout_tty && !ctx.global.json) ctx.io.out << "\x1b[H\x1b[2J";  // redraw in place
    show(ctx, sel, o);
    net::interruptible_sleep(std::chrono::seconds(2));
    problems.clear();
    sel = workflows::select_status(ctx.db(), ctx.config(), o.project, o.target);
    refresh(ctx, sel, problems);
  }
  show(ctx, sel, o);
  return o.exit_status ? workflows::status_exit_code(sel) : 0;
}


CommandSpec status_command() {
  auto o = std::make_shared<StatusOptions>();
  CommandSpec s;
  s.path = {"status"};
  s.man = "photoagent-status";
  s.description = "Show trainings and pending predictions; finish what is due";
  s.footer = R"(Examples:
  photoagent status                       # everything
  photoagent status ada --watch           # until ada's training ends
  photoagent status t12 --logs
  photoagent status t12 --exit-status     # exit 8 while running, 1 if it failed (for scripts)
  photoagent status --spend
  photoagent status --spend --by day --since 2026-01-01
  photoagent status --cancel t12

Seeing a training succeed, status pushes the LoRA to Hugging Face and sends
the email if nobody has yet; failed pushes and emails are retried here.)";
  s.add("target", o->target, "Project name, training id (t12) or Replicate id");
  s.add("-p,--project", o->project, "Only this project");
  s.add("--watch", o->watch, "Refresh until nothing is running");
  s.add("--logs", o->logs, "Show the last lines of each training's log");
  s.add("--exit-status", o->exit_status,
        "Exit 8 while a training or prediction runs, 1 when a training failed, was canceled or aborted");
  s.add("--spend", o->spend, "Sum costs per project");
  s.add("--by", o->spend_by, "With --spend: one row per project (default) or per day and project (UTC)")
      .one_of({"project", "day"});
  s.add("--since", o->since, "With --spend: only what was started on DATE (YYYY-MM-DD, UTC) or later");
  s.add("--offline", o->offline, "Only what the cache knows; ask no service");
  s.add("--cancel", o->cancel, "Cancel a training (t12 or Replicate's id)");
  s.add("--notify", o->notify, "Send the email again when its outcome is unknown");
  s.run = [o](Context& ctx) { return run_status(ctx, *o); };
  return s;
}

}  // namespace photoagent::cli
