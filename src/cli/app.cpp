// The only translation unit that includes CLI11 (DESIGN §9: compile time).
// It declares every command's flags and hands the parsed options struct to
// the command's run function; commands themselves never see CLI11.

#include "app.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <ostream>

#include "commands/config.hpp"
#include "commands/generate.hpp"
#include "commands/images.hpp"
#include "commands/login.hpp"
#include "commands/not_built.hpp"
#include "commands/project.hpp"
#include "commands/status.hpp"
#include "commands/train.hpp"
#include "commands/upload.hpp"
#include "photoagent/util/error.hpp"

namespace photoagent::cli {
namespace {

constexpr const char* kRootFooter = R"(Examples:
  photoagent login --replicate
  photoagent project create ada --kind person --trigger TOK_ADA
  photoagent upload ada ~/photos/ada/
  photoagent train ada --notify me@example.com --hf-repo me/ada-lora
  photoagent generate ada "on a sailboat at golden hour" --style headshot -n 4 -o out/

Exit codes:
  0 ok  1 error  2 usage  3 not found  4 auth  5 remote service
  6 partial failure  8 still running  130 interrupted  143 terminated

Environment:
  REPLICATE_API_TOKEN, HF_TOKEN, SENDGRID_API_KEY   secrets (win over stored ones)
  PHOTOAGENT_PROFILE, PHOTOAGENT_PROJECT            profile and default project
  PHOTOAGENT_HOME, PHOTOAGENT_CONFIG_DIR            data and config folders (XDG by default)
  REPLICATE_API_BASE_URL, HF_ENDPOINT, SENDGRID_API_BASE_URL   service addresses
  PHOTOAGENT_HF_INFERENCE_URL                       Hugging Face inference host
  HF_HOME, HF_TOKEN_PATH                            the hf CLI's token file (a fallback)
  PHOTOAGENT_RETRIES                                retries of a failed request (default 5)
  NO_COLOR, CLICOLOR, CLICOLOR_FORCE, PHOTOAGENT_FORCE_TTY   output style
  CI                                                hints name environment variables, not login)";

struct Parsed {
  GlobalOptions global;
  LoginOptions login;
  LogoutOptions logout;
  ProjectCreateOptions project_create;
  ProjectOptions project;
  ConfigOptions config;
  UploadOptions upload;
  ImagesOptions images;
  ImageEditOptions image_edit;
  ImageRmOptions image_rm;
  std::string edit_caption, edit_category, edit_tags;
  TrainOptions train;
  GenerateOptions generate;
  StatusOptions status;
  std::string watch_ref;
};

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// CLI11 2.1 has no "did you mean"; an unknown first word gets one here.
void check_command_name(const CLI::App& app, const std::vector<std::string>& args) {
  if (args.empty() || args[0].empty() || args[0][0] == '-') return;
  std::string best;
  std::size_t best_d = 99;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name() == args[0]) return;
    auto d = edit_distance(sub->get_name(), args[0]);
    if (d < best_d) best_d = d, best = sub->get_name();
  }
  throw util::usage_error("unknown command '" + args[0] + "'",
                          best_d <= 2 ? "Did you mean 'photoagent " + best + "'?"
                                      : "Run 'photoagent --help' for the list of commands.");
}

CLI::App* add_command(CLI::App& parent, const char* name, const char* description, const char* footer) {
  auto* c = parent.add_subcommand(name, description);
  c->footer(footer != nullptr ? footer : "");  // never the parent's examples
  return c;
}

void wire_login(CLI::App& app, Parsed& p, CLI::App*& login, CLI::App*& logout) {
  login = add_command(app, "login", "Store and verify a Replicate, Hugging Face or SendGrid secret", R"(Examples:
  photoagent login --replicate                     # asks for the token (no echo)
  printf %s "$HF_TOKEN" | photoagent login --huggingface --with-token
  photoagent login --sendgrid --from me@example.com --to me@example.com
  photoagent login --status --json

The secret is checked with the service before it is saved to credentials.json
(mode 0600). Tokens in REPLICATE_API_TOKEN, HF_TOKEN, SENDGRID_API_KEY win
over stored ones. A secret is never accepted as a command-line argument.)");
  login->add_flag("--replicate", p.login.replicate, "Log in to Replicate (training and generation)");
  login->add_flag("--huggingface", p.login.huggingface, "Log in to Hugging Face (where LoRA weights are kept)");
  login->add_flag("--sendgrid", p.login.sendgrid, "Log in to SendGrid (completion emails)");
  login->add_flag("--with-token", p.login.with_token, "Read the secret from standard input");
  login->add_option("--from", p.login.from, "SendGrid: sender address (a verified sender)");
  login->add_option("--to", p.login.to, "SendGrid: default recipient (default: the sender)");
  login->add_flag("--status", p.login.status, "Show each service: configured, source, account, valid");
  login->add_flag("--offline", p.login.offline, "With --status: do not contact the services");

  logout = add_command(app, "logout", "Remove stored secrets (all, or the services named)", R"(Examples:
  photoagent logout --replicate
  photoagent logout          # every service

This removes the local copy only; revoke a token on the service's site.)");
  logout->add_flag("--replicate", p.logout.replicate, "Remove the Replicate token");
  logout->add_flag("--huggingface", p.logout.huggingface, "Remove the Hugging Face token");
  logout->add_flag("--sendgrid", p.logout.sendgrid, "Remove the SendGrid key");
}

struct ProjectCommands {
  CLI::App *create = nullptr, *list = nullptr, *show = nullptr, *use = nullptr, *del = nullptr;
  CLI::App *images = nullptr, *image_edit = nullptr, *image_rm = nullptr;
  CLI::Option *caption = nullptr, *category = nullptr, *tags = nullptr;
};

ProjectCommands wire_project(CLI::App& app, Parsed& p) {
  auto* project = add_command(app, "project", "Create, list, show, select and delete projects", R"(Examples:
  photoagent project create ada --kind person --trigger TOK_ADA
  photoagent project list
  photoagent project use ada
  photoagent project delete ada --yes)");
  project->require_subcommand(1);
  ProjectCommands c;
  c.create = add_command(*project, "create", "Create a project (a person or a product to train on)", R"(Examples:
  photoagent project create ada --kind person
  photoagent project create mug --kind product --trigger TOK_MUG --hf-repo me/mug-lora

NAME becomes the Replicate model and Hugging Face repo name: lowercase
letters, digits, '-', '_', '.'. The trigger word defaults to TOK_<NAME>.)");
  c.create->add_option("name", p.project_create.name, "Project name")->required();
  c.create->add_option("--kind", p.project_create.kind, "person or product")
      ->required()
      ->transform(CLI::IsMember({"person", "product"}, CLI::ignore_case));
  c.create->add_option("--trigger", p.project_create.trigger, "Trigger word the LoRA learns (default TOK_<NAME>)");
  c.create->add_option("--description", p.project_create.description, "Free text");
  c.create->add_option("--hf-repo", p.project_create.hf_repo, "Hugging Face repo for the weights (OWNER/NAME)");

  c.list = add_command(*project, "list", "List projects (* marks the default)", R"(Examples:
  photoagent project list
  photoagent project list --json | jq -r '.[].name'
  photoagent project list | cut -f2        # names, in a pipe (tab-separated))");
  c.show = add_command(*project, "show", "Show one project (default: the default project)", R"(Examples:
  photoagent project show
  photoagent project show ada --json)");
  c.show->add_option("name,-p,--project", p.project.name, "Project name");
  c.use = add_command(*project, "use", "Make a project the default for later commands", R"(Examples:
  photoagent project use ada
  PHOTOAGENT_PROJECT=mug photoagent project show   # one shell only)");
  c.use->add_option("name,-p,--project", p.project.name, "Project name")->required();
  c.del = add_command(*project, "delete", "Delete a project and its cached images", R"(Examples:
  photoagent project delete mug          # asks on a terminal
  photoagent project delete mug --yes    # in scripts)");
  c.del->add_option("name,-p,--project", p.project.name, "Project name")->required();
  c.del->add_flag("-y,--yes", p.project.yes, "Do not ask for confirmation");

  c.images = add_command(*project, "images", "List a project's photos (id, file, size, category, tags, caption)",
                         R"(Examples:
  photoagent project images ada
  photoagent project images ada --source generated     # what generate made (never used for training)
  photoagent project images --json | jq '.[] | select(.caption == "") | .id')");
  c.images->add_option("name,-p,--project", p.images.project, "Project name (default: the default project)");
  c.images->add_option("--source", p.images.source,
                       "upload (the training photos, default), generated (outputs of generate) or all")
      ->check(CLI::IsMember({"upload", "generated", "all"}));
  auto* image = add_command(*project, "image", "Edit or remove one image", R"(Examples:
  photoagent project image edit 12 --caption "TOK_ADA smiling, outdoors" --category candid --tags smile,outdoor
  photoagent project image rm 12)");
  image->require_subcommand(1);
  c.image_edit = add_command(*image, "edit", "Change an image's caption, category or tags", nullptr);
  c.image_edit->add_option("id", p.image_edit.id, "Image id (see 'project images')")->required();
  c.caption = c.image_edit->add_option("--caption", p.edit_caption, "New caption (\"\" clears it)");
  c.category = c.image_edit->add_option("--category", p.edit_category, "New category (\"\" clears it)");
  c.tags = c.image_edit->add_option("--tags", p.edit_tags, "New tags, comma-separated (replace the old ones)");
  c.image_rm = add_command(*image, "rm", "Remove an image from its project", nullptr);
  c.image_rm->add_option("id", p.image_rm.id, "Image id")->required();
  return c;
}

CLI::App* wire_upload(CLI::App& app, Parsed& p) {
  auto* up = add_command(app, "upload", "Add photos to a project (captions, categories, tags)", R"(Examples:
  photoagent upload ada ~/photos/ada/                  # folders are searched recursively
  photoagent upload ada front.jpg side.png --category headshot --tags studio
  photoagent upload -p mug shots/*.jpg --caption "TOK_MUG on a wooden table"
  photoagent upload ada ~/photos/ada/ --json | jq '.failed'

Each photo is checked (type by content, size, dimensions), turned upright
(EXIF), flattened to RGB, resized to --max-side and stored as JPEG. A caption
comes from --caption, else from NAME.txt beside the photo. Uploading the same
file twice adds nothing. Exit 6 when some files failed, 1 when all did.)");
  up->add_option("-p,--project", p.upload.project, "Project (default: the default project)");
  up->add_option("paths", p.upload.args, "[PROJECT] then files or folders")->required();
  up->add_option("--caption", p.upload.caption, "Caption for every photo (else NAME.txt beside it)");
  up->add_option("--category", p.upload.category, "Category, e.g. headshot, full-body (person); front, detail (product)");
  up->add_option("--tags", p.upload.tags, "Tags, comma-separated");
  up->add_flag("--auto-caption", p.upload.auto_caption, "Caption photos with a captioning model on Replicate");
  up->add_flag("--auto-tags", p.upload.auto_tags, "Tag photos with a model on Replicate");
  up->add_option("--max-side", p.upload.max_side,
                 "Long side of stored photos, 64-8192 px (default: config upload.max_side, 1536)");
  up->add_option("-j,--jobs", p.upload.jobs, "Files processed at once (default: one per core)");
  return up;
}

CLI::App* wire_train(CLI::App& app, Parsed& p) {
  auto* t = add_command(app, "train", "Train a LoRA on Replicate from a project's photos (Flux by default)", R"(Examples:
  photoagent train ada --dry-run                    # what would be sent and what it would cost
  photoagent train ada --notify me@example.com --hf-repo me/ada-lora
  photoagent train ada --steps 1500 --rank 32 --input optimizer=prodigy
  photoagent train ada --wait                       # follow in the foreground (CI)
  photoagent train --cancel t12

It returns at once with the training's id (t12). When a Hugging Face push
or an email is due, a background watcher finishes the job; 'photoagent
status' does the same whenever it sees the training succeed. Trainers are
configuration: 'photoagent config list --all' shows 'trainers'.)");
  t->add_option("-p,--project", p.train.project, "Project (default: the default project)");
  t->add_option("project_arg", p.train.args, "[PROJECT]");
  t->add_option("--trainer", p.train.trainer, "Trainer from the trainer table (default: config train.trainer, flux)");
  t->add_option("--steps", p.train.steps, "Training steps (default: the trainer's; flux 1000)")->check(CLI::Range(1, 100000));
  t->add_option("--rank", p.train.rank, "LoRA rank (default: the trainer's; flux 16)")->check(CLI::Range(1, 256));
  t->add_option("--lr", p.train.lr, "Learning rate (default: the trainer's; flux 0.0004)")->check(CLI::PositiveNumber);
  t->add_option("--input", p.train.inputs, "Any other trainer input, KEY=VALUE (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  t->add_option("--hf-repo", p.train.hf_repo, "Push the LoRA to this Hugging Face repo (OWNER/NAME; private)");
  t->add_option("--notify", p.train.notify, "Email this address when done (default: config sendgrid.to)");
  t->add_flag("--wait", p.train.wait, "Follow the training in the foreground until it ends");
  t->add_flag("--no-watch", p.train.no_watch, "Do not start the background watcher");
  t->add_flag("--dry-run", p.train.dry_run, "Print the zip, inputs and estimated cost; send nothing");
  t->add_flag("--force", p.train.force, "Start even though a training of the project is running");
  t->add_flag("--retry-unknown", p.train.retry_unknown,
              "Start a new training although an earlier create could not be confirmed (status 'unknown'; may pay twice)");
  t->add_option("--cancel", p.train.cancel, "Cancel a training (t12 or Replicate's id)");
  return t;
}

CLI::App* wire_status(CLI::App& app, Parsed& p) {
  auto* s = add_command(app, "status", "Show trainings and pending predictions; finish what is due", R"(Examples:
  photoagent status                       # everything
  photoagent status ada --watch           # until ada's training ends
  photoagent status t12 --logs
  photoagent status t12 --exit-status     # exit 8 while running, 1 if it failed (for scripts)
  photoagent status --spend
  photoagent status --cancel t12

Seeing a training succeed, status pushes the LoRA to Hugging Face and sends
the email if nobody has yet; failed pushes and emails are retried here.)");
  s->add_option("target", p.status.target, "Project name, training id (t12) or Replicate id");
  s->add_option("-p,--project", p.status.project, "Only this project");
  s->add_flag("--watch", p.status.watch, "Refresh until nothing is running");
  s->add_flag("--logs", p.status.logs, "Show the last lines of each training's log");
  s->add_flag("--exit-status", p.status.exit_status,
              "Exit 8 while a training or prediction runs, 1 when a training failed, was canceled or aborted");
  s->add_flag("--spend", p.status.spend, "Sum costs per project");
  s->add_flag("--offline", p.status.offline, "Only what the cache knows; ask no service");
  s->add_option("--cancel", p.status.cancel, "Cancel a training (t12 or Replicate's id)");
  s->add_flag("--notify", p.status.notify, "Send the email again when its outcome is unknown");
  return s;
}

CLI::App* wire_generate(CLI::App& app, Parsed& p) {
  auto* g = add_command(app, "generate", "Generate images from a prompt, a style or a batch file", R"(Examples:
  photoagent generate ada "on a sailboat at golden hour" --style headshot -n 4 -o out/
  photoagent generate --model black-forest-labs/flux-schnell "a red fox in snow"
  photoagent generate ada --batch prompts.jsonl --concurrency 16 -o out/ --json   # resumable, JSON Lines
  photoagent generate ada "portrait" --upscale --contact-sheet sheet.jpg
  photoagent generate ada "..." --no-wait          # prints g12; later: photoagent generate --collect g12
  photoagent generate --list-styles

Without --model a project runs its latest trained version; otherwise the
model in config generate.model. Outputs are downloaded at once, written to -o
(default: here) under names that never collide, and kept in the cache.
Running the same command again pays nothing twice: finished predictions are
reused and files already written are not fetched again. A batch line is JSON
({"prompt": "...", "style": "...", "seed": 1, "n": 1, "id": "..."}) or CSV
with a header; options are the defaults for every line. Exit 6 when some
items failed.)");
  auto& o = p.generate;
  auto& r = o.request;
  g->add_option("-p,--project", o.project, "Project (default: the default project)");
  g->add_option("args", o.args, "[PROJECT] PROMPT");
  g->add_option("--model", r.model, "Any Replicate model, OWNER/NAME[:VERSION] (or a Hub repo with --provider huggingface)");
  g->add_option("--provider", r.provider,
                "replicate (default) or huggingface (Hugging Face's hf-inference provider, which serves few models, "
                "e.g. stabilityai/stable-diffusion-3-medium-diffusers, not FLUX or your LoRA; needs --model)")
      ->check(CLI::IsMember({"replicate", "huggingface"}));
  g->add_option("--style", r.style, "A style preset (see --list-styles)");
  g->add_option("-n", r.n, "Number of images (split into predictions of up to the model's maximum)")
      ->check(CLI::Range(1, 1000));
  g->add_option("--aspect", r.aspect, "Aspect ratio, e.g. 3:4");
  g->add_option("--seed", o.seed, "Seed (default: derived from the request, so reruns match)")
      ->each([&o](const std::string&) { o.has_seed = true; });
  g->add_option("--steps", r.steps, "Inference steps")->check(CLI::Range(1, 500));
  g->add_option("--guidance", r.guidance, "Guidance scale")->check(CLI::NonNegativeNumber);
  g->add_option("--lora-scale", o.lora_scale, "LoRA strength")->each([&o](const std::string&) { o.has_lora_scale = true; });
  g->add_option("--extra-lora", r.extra_lora, "A second LoRA (trained Flux models)");
  g->add_option("--negative", r.negative, "Negative prompt (models that take one)");
  g->add_option("--format", r.format, "png, jpg or webp (default: config generate.format)");
  g->add_option("--input", o.inputs, "Any other model input, KEY=VALUE (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  g->add_flag("--upscale", r.upscale, "Upscale each output (config upscale.model)");
  g->add_flag("--face-restore", r.face_restore, "Restore faces in each output (config face_restore.model)");
  g->add_option("-o,--output", r.out_dir, "Folder for the images (default: here)");
  g->add_flag("--no-wait", o.no_wait, "Start and print the id; collect later with --collect");
  g->add_flag("--dry-run", o.dry_run, "Print the planned predictions; create nothing (model schemas are read)");
  g->add_option("--contact-sheet", o.contact_sheet, "Write one grid image of all outputs (.jpg or .png)");
  g->add_option("--batch", o.batch, "JSON Lines or CSV file of prompts ('-' for stdin)");
  g->add_option("--concurrency", o.concurrency, "Predictions in flight at once (default 8)")->check(CLI::Range(1, 256));
  g->add_option("--rate", o.rate, "Creates allowed, e.g. 300/min or 5/s (default 600/min)");
  g->add_option("--collect", o.collect, "Fetch a --no-wait prediction (g12 or Replicate's id)");
  g->add_flag("--retry-unknown", o.retry_unknown,
              "Create again the predictions whose create could not be confirmed (status 'unknown'; may pay twice)");
  g->add_flag("--retry-expired", o.retry_expired,
              "Create again (and pay for) successes whose outputs Replicate removed before they were downloaded");
  g->add_flag("--list-styles", o.list_styles, "Show the style presets");
  return g;
}

CLI::App* wire_config(CLI::App& app, Parsed& p) {
  auto* config = add_command(app, "config", "Read and change settings", R"(Examples:
  photoagent config list --all
  photoagent config set sendgrid.to me@example.com
  photoagent config path)");
  config->add_option("verb", p.config.verb, "get, set, unset, list or path")
      ->required()
      ->check(CLI::IsMember({"get", "set", "unset", "list", "path"}));
  config->add_option("key", p.config.key, "Setting name");
  config->add_option("value", p.config.value, "New value (set)");
  config->add_flag("--all", p.config.all, "list: every known key with its default and meaning");
  return config;
}

struct Commands {
  CLI::App *login, *logout, *config, *upload, *train, *status, *watch, *generate;
  ProjectCommands project;
  std::vector<CLI::App*> later;
};

int dispatch(CLI::App& app, Context& ctx, Parsed& p, const Commands& c) {
  const auto& pc = c.project;
  auto* login = c.login;
  auto* logout = c.logout;
  auto* config = c.config;
  auto* upload = c.upload;
  const auto& later = c.later;
  if (c.train->parsed()) return run_train(ctx, p.train);
  if (c.generate->parsed()) return run_generate(ctx, p.generate);
  if (c.status->parsed()) return run_status(ctx, p.status);
  if (c.watch->parsed()) return run_watch(ctx, p.watch_ref);
  if (login->parsed()) return run_login(ctx, p.login);
  if (logout->parsed()) return run_logout(ctx, p.logout);
  if (pc.create->parsed()) return run_project_create(ctx, p.project_create);
  if (pc.list->parsed()) return run_project_list(ctx);
  if (pc.show->parsed()) return run_project_show(ctx, p.project);
  if (pc.use->parsed()) return run_project_use(ctx, p.project);
  if (pc.del->parsed()) return run_project_delete(ctx, p.project);
  if (pc.images->parsed()) return run_project_images(ctx, p.images);
  if (pc.image_edit->parsed()) {
    if (pc.caption->count()) p.image_edit.caption = p.edit_caption;
    if (pc.category->count()) p.image_edit.category = p.edit_category;
    if (pc.tags->count()) p.image_edit.tags = p.edit_tags;
    return run_image_edit(ctx, p.image_edit);
  }
  if (pc.image_rm->parsed()) return run_image_rm(ctx, p.image_rm);
  if (upload->parsed()) return run_upload(ctx, p.upload);
  if (config->parsed()) {
    const bool needs_key = p.config.verb == "get" || p.config.verb == "set" || p.config.verb == "unset";
    if (needs_key && p.config.key.empty()) throw util::usage_error("config " + p.config.verb + " needs a KEY");
    if (p.config.verb == "set" && p.config.value.empty()) throw util::usage_error("config set needs a VALUE");
    return run_config(ctx, p.config);
  }
  for (auto* c : later)
    if (c->parsed()) return run_not_built(ctx, c->get_name());
  ctx.io.out << app.help();
  return 0;
}

}  // namespace

int run_app(const std::vector<std::string>& args, Io& io, std::shared_ptr<net::Transport> transport) {
  Parsed p;
  CLI::App app{"photoagent: train a personal Flux LoRA on Replicate and generate photos from a terminal",
               "photoagent"};
  app.fallthrough();  // global flags may follow the subcommand
  app.set_version_flag("--version", "photoagent " PHOTOAGENT_VERSION);
  app.add_flag("--json", p.global.json, "Machine-readable output on stdout");
  app.add_flag("--debug", p.global.debug, "Trace HTTP on stderr (secrets redacted)");
  app.add_flag("-q,--quiet", p.global.quiet, "Only results and errors");
  app.add_option("--profile", p.global.profile, "Use a named profile (own credentials and config)");

  Commands cmds{};
  wire_login(app, p, cmds.login, cmds.logout);
  cmds.project = wire_project(app, p);
  cmds.upload = wire_upload(app, p);
  cmds.train = wire_train(app, p);
  cmds.status = wire_status(app, p);
  cmds.generate = wire_generate(app, p);
  cmds.config = wire_config(app, p);
  cmds.watch = app.add_subcommand("__watch", "");
  cmds.watch->group("");  // hidden: started by train
  cmds.watch->add_option("training", p.watch_ref)->required();
  auto& later = cmds.later;
  for (auto [name, what] : std::initializer_list<std::pair<const char*, const char*>>{
           {"search", "Search everything photoagent has made or seen"}}) {
    auto* c = app.add_subcommand(name, std::string(what) + " (not built yet)");
    c->footer("This command is not built yet: it exits 1 and changes nothing.");
    c->fallthrough(false);
    c->allow_extras();  // any arguments: the command says it is not built yet
    later.push_back(c);
  }

  // Set last: CLI11 copies a parent's footer into subcommands created after it.
  app.footer(kRootFooter);

  try {
    check_command_name(app, args);
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 pops from the back
    try {
      app.parse(reversed);
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e, io.out, io.err);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e, io.out, io.err);
    } catch (const CLI::CallForVersion& e) {
      return app.exit(e, io.out, io.err);
    } catch (const CLI::ParseError& e) {
      std::string where = "photoagent";
      for (const auto* sub = &app; !sub->get_subcommands().empty();) {
        sub = sub->get_subcommands().front();
        where += " " + sub->get_name();
      }
      throw util::usage_error(e.what(), "Run '" + where + " --help' for usage.");
    }
    Context ctx(io, p.global);
    if (transport) ctx.set_transport(std::move(transport));
    return dispatch(app, ctx, p, cmds);
  } catch (const util::Error& e) {
    io.err << red(io, "error:") << " " << e.message() << "\n";
    if (!e.hint().empty()) io.err << e.hint() << "\n";
    return e.exit_code();
  }
}

}  // namespace photoagent::cli
