#include "project.hpp"

#include <nlohmann/json.hpp>

#include "../output/json.hpp"
#include "../output/prompt.hpp"
#include "../output/table.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/time.hpp"
#include "photoagent/workflows/projects.hpp"

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
  workflows::validate_project_name(o.name);
  store::Project p;
  p.name = o.name;
  p.kind = o.kind;
  p.trigger = o.trigger.empty() ? workflows::default_trigger(o.name) : o.trigger;
  workflows::validate_trigger_word(p.trigger);
  if (!o.hf_repo.empty()) workflows::validate_hf_repo(o.hf_repo);
  p.hf_repo = o.hf_repo;
  p.description = o.description;
  p.created_at = util::now_iso8601();
  p = store::insert_project(ctx.db(), p);
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
  auto projects = store::list_projects(ctx.db());
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

int run_project_delete(Context& ctx, const ProjectOptions& o) {
  auto p = workflows::resolve_project(ctx.db(), ctx.config(), o.name);
  if (!o.yes) {
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
    print_json(ctx.io, {{"deleted", p.name}, {"images", p.images}, {"files_removed", files}});
  } else if (!ctx.global.quiet) {
    ctx.io.err << "Deleted project " << p.name << " (" << p.images << " images, " << files << " files removed).\n";
  }
  return 0;
}

}  // namespace photoagent::cli
