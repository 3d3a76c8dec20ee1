#include "project.hpp"

#include <nlohmann/json.hpp>

#include "../output/json.hpp"
#include "../output/prompt.hpp"
#include "../output/table.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/time.hpp"
#include "photoagent/workflows/projects.hpp"
#include "photoagent/workflows/remote_delete.hpp"
#include "training_view.hpp"

namespace photoagent::cli {
using nlohmann::json;

namespace {

json to_json(const store::Project& p, bool is_default) {
  return {{"name", p.name},       {"kind", p.kind},
          {"trigger", p.trigger}, {"description", p.description},
          {"hf_repo", p.hf_repo.empty() ? json(nullptr) : json(p.hf_repo)},
          {"images", p.images},   {"generated", p.generated}, {"default", is_default},
          {"created_at", p.created_at}};
}

bool is_default(Context& ctx, const store::Project& p) {
  auto d = workflows::default_project_name(ctx.config());
  return d && *d == p.name;
}

}  // namespace

int run_project_create(Context& ctx, const ProjectCreateOptions& o) {
  const auto p = workflows::create_project(ctx.db(), o.name, o.kind, o.trigger, o.description, o.hf_repo);
  // The first project becomes the default, so the next commands need no -p.
  const bool made_default = !workflows::default_project_name(ctx.config());
  if (made_default) ctx.config().set("default_project", p.name);
  if (ctx.global.json) {
    print_json(ctx.io, to_json(p, is_default(ctx, p)));
  } else {
    ctx.io.out << p.name << "\n";
    if (!ctx.global.quiet) {
      ctx.io.err << green(ctx.io, "\u2713") << " Created " << p.kind << " project " << bold(ctx.io, p.name)
                 << " (trigger word " << p.trigger << ")" << (made_default ? ", now the default project" : "")
                 << "\n  Next: photoagent upload " << p.name << " ~/photos/" << p.name << "/\n";
    }
  }
  return 0;
}

int run_project_list(Context& ctx) {
  auto projects = workflows::list_projects(ctx.db());
  const auto def = workflows::default_project_name(ctx.config());
  if (ctx.global.json) {
    json arr = json::array();
    for (const auto& p : projects) arr.push_back(to_json(p, def && *def == p.name));
    print_json(ctx.io, arr);
    return 0;
  }
  if (projects.empty()) {
    if (!ctx.global.quiet)
      ctx.io.err << "No projects yet. Create one: photoagent project create NAME --kind person\n";
    return 0;
  }
  Table t({"", "name", "kind", "trigger", "images", "created"});
  for (const auto& p : projects)
    t.add({def && *def == p.name ? "*" : "", p.name, p.kind, p.trigger, std::to_string(p.images), p.created_at});
  t.print(ctx.io);
  return 0;
}

int run_project_show(Context& ctx, const ProjectOptions& o) {
  auto p = workflows::resolve_project(ctx.db(), ctx.config(), o.name);
  if (ctx.global.json) {
    print_json(ctx.io, to_json(p, is_default(ctx, p)));
    return 0;
  }
  auto line = [&](const char* k, const std::string& v) { ctx.io.out << bold(ctx.io, k) << "\t" << v << "\n"; };
  line("name:", p.name + (is_default(ctx, p) ? " (default)" : ""));
  line("kind:", p.kind);
  line("trigger:", p.trigger);
  if (!p.description.empty()) line("description:", p.description);
  line("hf repo:", p.hf_repo.empty() ? "-" : p.hf_repo);
  line("photos:", std::to_string(p.images));
  line("generated:", std::to_string(p.generated));
  line("created:", p.created_at);
  return 0;
}

int run_project_use(Context& ctx, const ProjectOptions& o) {
  auto p = workflows::resolve_project(ctx.db(), ctx.config(), o.name);
  ctx.config().set("default_project", p.name);
  if (ctx.global.json) print_json(ctx.io, to_json(p, true));
  else if (!ctx.global.quiet) ctx.io.err << "Default project: " << bold(ctx.io, p.name) << "\n";
  return 0;
}

namespace {

// --remote: the typed project name (or --yes) first, then what is online goes;
// the local project is deleted after, so a failure leaves it to try again.
workflows::RemoteDeletion delete_remote(Context& ctx, const store::Project& p, bool yes) {
  if (!yes && !ctx.io.can_prompt())
    throw util::usage_error("deleting a project's Replicate model and Hugging Face repo needs confirmation",
                            "Pass --yes: 'photoagent project delete " + p.name + " --remote --yes'.");
  const auto services = training_services(ctx);
  const auto targets = workflows::remote_targets(ctx.db(), services, p);
  if (!yes) {
    std::string what;
    for (const auto& m : targets.replicate_models) what += "\n  Replicate model " + m + " (every version)";
    for (const auto& r : targets.hf_repos) what += "\n  Hugging Face repo " + r;
    if (!targets.uploads.empty()) what += "\n  " + std::to_string(targets.uploads.size()) + " training zip(s) on Replicate";
    ctx.io.err << "This deletes project " << p.name << ", its " << p.images << " cached images, and online:" << what
               << "\nIt cannot be undone.\n";
    if (prompt_line(ctx.io, "Type the project name to confirm: ") != p.name)
      throw util::failure("the name typed was not '" + p.name + "'; nothing was deleted");
  }
  return workflows::delete_remote(services, targets, [&](const std::string& step) {
    if (!ctx.global.quiet) ctx.io.err << "  " << step << "\n";
  });
}

}  // namespace

int run_project_delete(Context& ctx, const ProjectOptions& o) {
  auto p = workflows::resolve_project(ctx.db(), ctx.config(), o.name);
  workflows::RemoteDeletion remote;
  if (o.remote) {
    remote = delete_remote(ctx, p, o.yes);
  } else if (!o.yes) {
    if (!ctx.io.can_prompt())
      throw util::usage_error("deleting a project needs confirmation",
                              "Pass --yes: 'photoagent project delete " + p.name + " --yes'.");
    if (!confirm(ctx.io, "Delete project " + p.name + " and its " + std::to_string(p.images) +
                             " cached images? This cannot be undone.")) {
      ctx.io.err << "Nothing deleted.\n";
      return 1;
    }
  }
  const auto files = workflows::delete_project_and_files(ctx.db(), p);
  if (auto d = ctx.config().get("default_project"); d && *d == p.name) ctx.config().unset("default_project");
  if (ctx.global.json) {
    json out = {{"deleted", p.name}, {"images", p.images}, {"files_removed", files}};
    if (o.remote)
      out["remote"] = {{"deleted", remote.deleted}, {"missing", remote.missing}, {"versions_deleted", remote.versions}};
    print_json(ctx.io, out);
  } else if (!ctx.global.quiet) {
    for (const auto& what : remote.deleted) ctx.io.err << "Deleted " << what << "\n";
    for (const auto& what : remote.missing) ctx.io.err << "Not found (nothing to delete): " << what << "\n";
    ctx.io.err << "Deleted project " << p.name << " (" << p.images << " images, " << files << " files removed).\n";
  }
  return 0;
}


std::vector<CommandSpec> project_commands() {
  CommandSpec project;
  project.path = {"project"};
  project.man = "photoagent-project";
  project.description = "Create, list, show, select and delete projects";
  project.footer = R"(Examples:
  photoagent project create ada --kind person --trigger TOK_ADA
  photoagent project list
  photoagent project use ada
  photoagent project delete ada --yes)";

  auto created = std::make_shared<ProjectCreateOptions>();
  CommandSpec create;
  create.path = {"project", "create"};
  create.man = "photoagent-project";
  create.description = "Create a project (a person or a product to train on)";
  create.footer = R"(Examples:
  photoagent project create ada --kind person
  photoagent project create mug --kind product --trigger TOK_MUG --hf-repo me/mug-lora

NAME becomes the Replicate model and Hugging Face repo name: lowercase
letters, digits, '-', '_', '.'. The trigger word defaults to TOK_<NAME>.)";
  create.add("name", created->name, "Project name").mandatory();
  create.add("--kind", created->kind, "person or product").mandatory().one_of({"person", "product"}, true);
  create.add("--trigger", created->trigger, "Trigger word the LoRA learns (default TOK_<NAME>)");
  create.add("--description", created->description, "Free text");
  create.add("--hf-repo", created->hf_repo, "Hugging Face repo for the weights (OWNER/NAME)");
  create.run = [created](Context& ctx) { return run_project_create(ctx, *created); };

  CommandSpec list;
  list.path = {"project", "list"};
  list.man = "photoagent-project";
  list.description = "List projects (* marks the default)";
  list.footer = R"(Examples:
  photoagent project list
  photoagent project list --json | jq -r '.[].name'
  photoagent project list | cut -f2        # names, in a pipe (tab-separated))";
  list.run = [](Context& ctx) { return run_project_list(ctx); };

  auto shown = std::make_shared<ProjectOptions>();
  CommandSpec show;
  show.path = {"project", "show"};
  show.man = "photoagent-project";
  show.description = "Show one project (default: the default project)";
  show.footer = R"(Examples:
  photoagent project show
  photoagent project show ada --json)";
  show.add("name,-p,--project", shown->name, "Project name");
  show.run = [shown](Context& ctx) { return run_project_show(ctx, *shown); };

  auto used = std::make_shared<ProjectOptions>();
  CommandSpec use;
  use.path = {"project", "use"};
  use.man = "photoagent-project";
  use.description = "Make a project the default for later commands";
  use.footer = R"(Examples:
  photoagent project use ada
  PHOTOAGENT_PROJECT=mug photoagent project show   # one shell only)";
  use.add("name,-p,--project", used->name, "Project name").mandatory();
  use.run = [used](Context& ctx) { return run_project_use(ctx, *used); };

  auto deleted = std::make_shared<ProjectOptions>();
  CommandSpec del;
  del.path = {"project", "delete"};
  del.man = "photoagent-project";
  del.description = "Delete a project and its cached images";
  del.footer = R"(Examples:
  photoagent project delete mug          # asks on a terminal
  photoagent project delete mug --yes    # in scripts
  photoagent project delete ada --remote # also its Replicate model and Hugging Face repo)";
  del.add("name,-p,--project", deleted->name, "Project name").mandatory();
  del.add("-y,--yes", deleted->yes, "Do not ask for confirmation");
  del.add("--remote", deleted->remote,
          "Also delete online: the Replicate model (every version), training zips left on Replicate, and the Hugging "
          "Face repo; asks you to type the project name unless --yes");
  del.run = [deleted](Context& ctx) { return run_project_delete(ctx, *deleted); };
  return {std::move(project), std::move(create), std::move(list), std::move(show), std::move(use), std::move(del)};
}

}  // namespace photoagent::cli
