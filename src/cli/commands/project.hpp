#pragma once
// photoagent project create|list|show|use|delete

#include <string>

#include "../context.hpp"
#include "../flags.hpp"

namespace photoagent::cli {

struct ProjectCreateOptions {
  std::string name;
  std::string kind;
  std::string trigger;
  std::string description;
  std::string hf_repo;
};
int run_project_create(Context& ctx, const ProjectCreateOptions& o);

struct ProjectOptions {
  std::string name;  // empty: the default project (show)
  bool yes = false;  // delete without asking
  bool remote = false;  // delete: also the Replicate model and the Hugging Face repo
};
int run_project_list(Context& ctx);
int run_project_show(Context& ctx, const ProjectOptions& o);
int run_project_use(Context& ctx, const ProjectOptions& o);
int run_project_delete(Context& ctx, const ProjectOptions& o);

// project and its verbs create, list, show, use, delete.
std::vector<CommandSpec> project_commands();

}  // namespace photoagent::cli
