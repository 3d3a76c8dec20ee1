#include "train.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

#include "../output/json.hpp"
#include "../output/progress.hpp"
#include "../output/prompt.hpp"
#include "../output/table.hpp"
#include "photoagent/services/replicate/trainings.hpp"
#include "photoagent/util/env.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/text_check.hpp"
#include "photoagent/workflows/status.hpp"
#include "photoagent/util/time.hpp"
#include "photoagent/workflows/login.hpp"
#include "photoagent/workflows/projects.hpp"
#include "photoagent/workflows/spend_cap.hpp"
#include "training_view.hpp"
#include "watcher.hpp"

namespace photoagent::cli {
using nlohmann::json;

namespace {

workflows::TrainRequest request_from(const TrainOptions& o) {
  workflows::TrainRequest r;
  r.trainer = o.trainer;
  r.steps = o.steps;
  r.rank = o.rank;
  r.lr = o.lr;
  for (const auto& kv : o.inputs) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) throw util::usage_error("--input takes KEY=VALUE, not '" + kv + "'");
    r.inputs.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  if (!o.hf_repo.empty()) workflows::validate_hf_repo(o.hf_repo);
  r.hf_repo = o.hf_repo;
  if (!o.notify.empty() && !workflows::plausible_email(o.notify))
    throw util::usage_error("'" + util::excerpt(o.notify) + "' is not an email address");
  r.notify_to = o.notify;
  return r;
}

void print_plan(Context& ctx, const workflows::TrainPlan& p, const std::string& account) {
  json zip = json::array();
  for (const auto& m : p.zip)
    zip.push_back({{"name", m.name}, {"bytes", m.file.empty() ? m.content.size() : std::filesystem::file_size(m.file)}});
  json input = json::parse(p.input_json);
  input[p.trainer.input_name("images")] = "<the uploaded zip>";
  const std::string destination = account + "/" + p.project.name;
  if (ctx.global.json) {
    print_json(ctx.io, {{"dry_run", true}, {"project", p.project.name}, {"trainer", p.trainer.name},
                        {"trainer_model", p.trainer.model + (p.trainer.version.empty() ? "" : ":" + p.trainer.version)},
                        {"destination", destination}, {"input", input}, {"zip", zip}, {"images", p.images},
                        {"captioned", p.captioned}, {"hf_repo", p.hf_repo.empty() ? json(nullptr) : json(p.hf_repo)},
                        {"notify", p.notify_to.empty() ? json(nullptr) : json(p.notify_to)},
                        {"estimated_seconds", p.estimated_seconds}, {"estimated_cost_usd", p.estimated_cost}});
    return;
  }
  auto& out = ctx.io.out;
  out << "Would train " << p.project.name << " (" << p.images << " photos, " << p.captioned << " captioned)\n"
      << "  trainer:     " << p.trainer.model << (p.trainer.version.empty() ? " (latest version)" : ":" + p.trainer.version)
      << "\n  destination: " << destination << " (private; created if missing)\n"
      << "  hf repo:     " << (p.hf_repo.empty() ? "-" : p.hf_repo) << "\n  email:       "
      << (p.notify_to.empty() ? "-" : p.notify_to) << "\n  inputs:      " << input.dump() << "\n  zip:\n";
  for (const auto& z : zip) out << "    " << z["name"].get<std::string>() << "\t" << z["bytes"] << " bytes\n";
  char est[128];
  std::snprintf(est, sizeof est, "  estimate:    %.0f min on %s, about $%.2f\n", p.estimated_seconds / 60,
                p.trainer.hardware.c_str(), p.estimated_cost);
  out << est << "Nothing was sent.\n";
}

int cancel(Context& ctx, const std::string& ref) {
  auto row = resolve_training(ctx, ref);
  if (row.replicate_id.empty()) throw util::failure(workflows::training_ref(row.id) + " never started; nothing to cancel");
  auto& api = ctx.api(services::Service::replicate);
  services::replicate::cancel_training(api, row.replicate_id);
  row = workflows::refresh_training(ctx.db(), api, row);
  std::string warning;
  row = workflows::delete_training_upload(ctx.db(), api, row, &warning);  // once it has stopped
  if (!warning.empty()) warn(ctx.io, warning);
  if (ctx.global.json) print_json(ctx.io, training_json(ctx, row));
  else if (!ctx.global.quiet) ctx.io.err << "Canceled " << workflows::training_ref(row.id) << " (" << store::to_string(row.status) << ").\n";
  return 0;
}

int report_end(Context& ctx, const store::TrainingRow& row) {
  if (!row.upload_error.empty())
    warn(ctx.io, "could not delete the training zip from Replicate: " + row.upload_error + " ('photoagent status' retries it)");
  if (row.status == store::TrainingStatus::succeeded) {
    if (!row.hf_error.empty()) warn(ctx.io, "Hugging Face push failed: " + row.hf_error + " ('photoagent status' retries it)");
    if (row.notify_state == "failed") warn(ctx.io, "the email failed: " + row.notify_error + " ('photoagent status' retries it)");
    return 0;
  }
  std::string tail = row.logs_tail.size() > 1500 ? row.logs_tail.substr(row.logs_tail.size() - 1500) : row.logs_tail;
  throw util::failure("training " + workflows::training_ref(row.id) + " " + store::to_string(row.status) +
                          (row.error.empty() ? "" : ": " + row.error) + (tail.empty() ? "" : "\nlast log lines:\n" + tail),
                      "Fix what the trainer says and run 'photoagent train " + row.project + "' again.");
}

}  // namespace

int run_train(Context& ctx, const TrainOptions& o) {
  if (!o.cancel.empty()) return cancel(ctx, o.cancel);
  if (o.args.size() > 1 || (!o.args.empty() && !o.project.empty()))
    throw util::usage_error("train takes one project", "e.g. 'photoagent train ada' or 'photoagent train -p ada'");
  auto project = workflows::resolve_project(ctx.db(), ctx.config(), o.project.empty() && !o.args.empty() ? o.args[0] : o.project);
  auto plan = workflows::plan_training(ctx.db(), ctx.config(), project, request_from(o));
  // A training is one paid job, billed by run time: its estimate meets the caps before anything is sent.
  workflows::check_estimate(workflows::spend_limits(ctx.config(), "train", o.max_cost, o.max_predictions),
                            plan.estimated_cost, 1, "this training");
  plan.keep_upload = o.keep_upload;
  if (o.dry_run) {
    std::string account = "<your Replicate user>";
    if (auto c = ctx.credentials().find(services::Service::replicate); c && !c->account.empty()) account = c->account;
    print_plan(ctx, plan, account);
    return 0;
  }
  plan.retry_unknown = o.retry_unknown;
  auto services = training_services(ctx);
  bool force = o.force;
  if (!force && ctx.io.can_prompt()) {
    auto running = workflows::unfinished_trainings(ctx.db(), *services.replicate, project.id);
    if (!running.empty()) {
      if (!confirm(ctx.io, project.name + " is already training (" + workflows::training_ref(running[0].id) +
                               "). Start another, paying for both?"))
        return 1;
      force = true;
    }
  }
  auto row = workflows::start_training(ctx.db(), ctx.config(), services, plan, force, [&](const std::string& step) {
    if (!ctx.global.quiet) ctx.io.err << "  " << step << "\n";
  });
  const std::string ref = workflows::training_ref(row.id);
  if (!o.wait) {
    std::string follow = "Follow it: photoagent status " + ref + " --watch";
    // The watcher also deletes the training zip from Replicate once the training ends.
    const bool after_work = !row.hf_repo.empty() || !row.notify_to.empty() || row.upload_state == "pending";
    if (after_work && !o.no_watch) {
      if (util::running_in_ci()) {
        follow += "\n(No background watcher under CI: use 'train --wait', or run 'photoagent status' later to push, "
                  "email and delete the training zip.)";
      } else {
        auto log = start_watcher(ctx.db().data_dir(), ctx.profile(), ref);
        follow += "\nA watcher will finish the job when it is done (Hugging Face push, email, deleting the training zip; "
                  "log: " + log.string() + ").";
      }
    }
    if (ctx.global.json) {
      print_json(ctx.io, training_json(ctx, row));
    } else {
      ctx.io.out << ref << "\n";
      if (!ctx.global.quiet)
        ctx.io.err << green(ctx.io, "\u2713") << " Started training " << bold(ctx.io, ref) << " of " << project.name
                   << " on Replicate (" << row.replicate_id << ").\n" << follow << "\n";
    }
    return 0;
  }
  ProgressBar bar(ctx.io, "Training " + ref, 1000);
  row = workflows::follow_training(ctx.db(), ctx.config(), services, row, std::chrono::hours(48),
                                   [&](const store::TrainingRow& r) {
                                     if (r.progress >= 0) bar.update(static_cast<std::size_t>(r.progress * 1000));
                                   });
  bar.finish();
  if (ctx.global.json) print_json(ctx.io, training_json(ctx, row));
  else if (!ctx.global.quiet) ctx.io.err << ref << " " << store::to_string(row.status) << ": " << row.version << "\n";
  return report_end(ctx, row);
}

int run_watch(Context& ctx, const std::string& ref) {
  auto row = resolve_training(ctx, ref);
  const auto hours = ctx.config().get_number("train.watch_hours", 1, 168);
  std::cerr << util::now_iso8601() << " watching " << ref << " (" << row.replicate_id << ")\n";
  row = workflows::follow_training(ctx.db(), ctx.config(), training_services(ctx), row, std::chrono::hours(hours),
                                   [&](const store::TrainingRow& r) {
                                     std::cerr << util::now_iso8601() << " " << store::to_string(r.status)
                                               << (r.progress >= 0 ? " " + std::to_string(int(r.progress * 100)) + "%" : "")
                                               << "\n";
                                   });
  std::cerr << util::now_iso8601() << " done: " << store::to_string(row.status) << ", hf " << (row.hf_commit.empty() ? row.hf_error : row.hf_commit)
            << ", email " << (row.notify_state.empty() ? "-" : row.notify_state) << "\n";
  return 0;
}


std::vector<CommandSpec> train_commands() {
  auto o = std::make_shared<TrainOptions>();
  CommandSpec t;
  t.path = {"train"};
  t.man = "photoagent-train";
  t.description = "Train a LoRA on Replicate from a project's photos (Flux by default)";
  t.footer = R"(Examples:
  photoagent train ada --dry-run                    # what would be sent and what it would cost
  photoagent train ada --notify me@example.com --hf-repo me/ada-lora
  photoagent train ada --steps 1500 --rank 32 --input optimizer=prodigy
  photoagent train ada --wait                       # follow in the foreground (CI)
  photoagent train --cancel t12

It returns at once with the training's id (t12). When a Hugging Face push
or an email is due, a background watcher finishes the job; 'photoagent
status' does the same whenever it sees the training succeed. Trainers are
configuration: 'photoagent config list --all' shows 'trainers'.)";
  t.add("-p,--project", o->project, "Project (default: the default project)");
  t.add("project_arg", o->args, "[PROJECT]");
  t.add("--trainer", o->trainer, "Trainer from the trainer table (default: config train.trainer, flux)");
  t.add("--steps", o->steps, "Training steps (default: the trainer's; flux 1000)").between(1, 100000);
  t.add("--rank", o->rank, "LoRA rank (default: the trainer's; flux 16)").between(1, 256);
  t.add("--lr", o->lr, "Learning rate (default: the trainer's; flux 0.0004)").positive();
  t.add("--input", o->inputs, "Any other trainer input, KEY=VALUE (repeatable)");
  t.add("--hf-repo", o->hf_repo, "Push the LoRA to this Hugging Face repo (OWNER/NAME; private)");
  t.add("--notify", o->notify, "Email this address when done (default: config sendgrid.to)");
  t.add("--wait", o->wait, "Follow the training in the foreground until it ends");
  t.add("--no-watch", o->no_watch, "Do not start the background watcher");
  t.add("--dry-run", o->dry_run, "Print the zip, inputs and estimated cost; send nothing");
  t.add("--force", o->force, "Start even though a training of the project is running");
  t.add("--retry-unknown", o->retry_unknown,
        "Start a new training although an earlier create could not be confirmed (status 'unknown'; may pay twice)");
  t.add("--keep-upload", o->keep_upload,
        "Keep the training zip (your photos) on Replicate's Files API; by default it is deleted when the training ends");
  t.add("--max-cost", o->max_cost,
        "Spend cap in dollars: refused (exit 2) when the estimate is over it (default: config train.max_cost)")
      .non_negative();
  t.add("--max-predictions", o->max_predictions,
        "Cap on paid jobs started (a training is one; 0 refuses; default: config train.max_predictions)")
      .non_negative();
  t.add("--cancel", o->cancel, "Cancel a training (t12 or Replicate's id)");
  t.run = [o](Context& ctx) { return run_train(ctx, *o); };

  // The detached watcher train starts (an exec of this binary).
  auto training = std::make_shared<std::string>();
  CommandSpec watch;
  watch.path = {"__watch"};
  watch.hidden = true;
  watch.add("training", *training, "").mandatory();
  watch.run = [training](Context& ctx) { return run_watch(ctx, *training); };
  return {std::move(t), std::move(watch)};
}

}  // namespace photoagent::cli
