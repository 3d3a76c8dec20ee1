#pragma once
// Project rules: names, trigger words, the default project, deletion.

#include <optional>
#include <string>
#include <vector>

#include "photoagent/store/projects.hpp"
#include "photoagent/workflows/config.hpp"

namespace photoagent::workflows {

// Throws util::Error (exit 2) explaining the rule when the name is not valid
// both as a Replicate model name and a Hugging Face repo name.
void validate_project_name(const std::string& name);
void validate_trigger_word(const std::string& word);
void validate_hf_repo(const std::string& repo);  // OWNER/NAME

// "ada-lora" -> "TOK_ADA_LORA": a rare token the model can bind to the subject.
std::string default_trigger(const std::string& name);

// The project a command acts on: the given name, else PHOTOAGENT_PROJECT,
// else config default_project. Throws (exit 3 / 2) when none or unknown.
store::Project resolve_project(store::Database& db, const Config& config, const std::string& name);

// The project of that name, if there is one (no default applies).
std::optional<store::Project> find_project(store::Database& db, const std::string& name);

// The name of the default project, if one is set (env first, then config).
std::optional<std::string> default_project_name(const Config& config);

// Checks the name, trigger word (default: default_trigger) and HF repo,
// then records the project; util::Error when the name is taken.
store::Project create_project(store::Database& db, const std::string& name, const std::string& kind,
                              const std::string& trigger, const std::string& description, const std::string& hf_repo);
std::vector<store::Project> list_projects(store::Database& db);

// Deletes the rows, then the files no other project uses. Returns files removed.
std::size_t delete_project_and_files(store::Database& db, const store::Project& project);

}  // namespace photoagent::workflows
