#include "photoagent/workflows/projects.hpp"

#include <cctype>
#include <filesystem>
#include <regex>

#include "photoagent/util/env.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/text_check.hpp"
#include "photoagent/util/time.hpp"

namespace photoagent::workflows {

void validate_project_name(const std::string& name) {
  // Replicate model names: lowercase letters, digits, '-', '_', '.'.
  // Hugging Face repo names: no leading/trailing '-' or '.', no "--" or "..", at most 96.
  static const std::regex shape("^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$");
  const std::string rule =
      "Use 1-64 lowercase letters, digits, '-', '_' or '.', starting and ending with a letter or digit, "
      "with no '--' or '..' (the name becomes a Replicate model and a Hugging Face repo).";
  if (name.empty() || name.size() > 64 || !std::regex_match(name, shape) ||
      name.find("--") != std::string::npos || name.find("..") != std::string::npos)
    throw util::usage_error("'" + util::excerpt(name) + "' is not a valid project name", rule);
}

void validate_trigger_word(const std::string& word) {
  static const std::regex shape("^[A-Za-z0-9_]{2,40}$");
  if (word.size() > 40 || !std::regex_match(word, shape))  // length first: the regex never sees long text
    throw util::usage_error("'" + util::excerpt(word) + "' is not a usable trigger word",
                            "Use 2-40 letters, digits or '_' with no spaces, e.g. TOK_ADA.");
}

void validate_hf_repo(const std::string& repo) {
  static const std::regex shape("^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$");
  if (repo.size() > 193 || !std::regex_match(repo, shape) || repo.find("..") != std::string::npos ||
      repo.find("--") != std::string::npos)
    throw util::usage_error("'" + util::excerpt(repo) + "' is not a Hugging Face repo id", "Use OWNER/NAME, e.g. ada/ada-lora.");
}

std::string default_trigger(const std::string& name) {
  std::string t = "TOK_";
  for (char c : name) t += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(c)) : '_';
  return t.substr(0, 40);
}

std::optional<std::string> default_project_name(const Config& config) {
  if (auto v = config.env().get("PHOTOAGENT_PROJECT")) return v;
  if (auto v = config.get("default_project"); v && !v->empty()) return v;
  return std::nullopt;
}

store::Project resolve_project(store::Database& db, const Config& config, const std::string& name) {
  std::string chosen = name;
  if (chosen.empty()) {
    auto d = default_project_name(config);
    if (!d)
      throw util::usage_error("no project given and no default project set",
                              "Name one with -p NAME, or set a default: 'photoagent project use NAME'.");
    chosen = *d;
  }
  if (auto p = store::find_project(db, chosen)) return *p;
  // A name that could never be a project gets no "create it" hint, and a
  // long one is not echoed whole.
  bool creatable = true;
  try {
    validate_project_name(chosen);
  } catch (const util::Error&) {
    creatable = false;
  }
  throw util::not_found("no project named '" + util::excerpt(chosen) + "'",
                        creatable ? "See your projects with 'photoagent project list', or create it with "
                                    "'photoagent project create " + chosen + " --kind person'."
                                  : "See your projects with 'photoagent project list'.");
}

std::optional<store::Project> find_project(store::Database& db, const std::string& name) {
  return store::find_project(db, name);
}

std::size_t delete_project_and_files(store::Database& db, const store::Project& project) {
  std::size_t removed = 0;
  for (const auto& rel : store::delete_project(db, project.id)) {
    std::error_code ec;
    if (std::filesystem::remove(db.data_dir() / rel, ec)) ++removed;
  }
  return removed;
}

store::Project create_project(store::Database& db, const std::string& name, const std::string& kind,
                              const std::string& trigger, const std::string& description, const std::string& hf_repo) {
  validate_project_name(name);
  store::Project p;
  p.name = name;
  p.kind = kind;
  p.trigger = trigger.empty() ? default_trigger(name) : trigger;
  validate_trigger_word(p.trigger);
  if (!hf_repo.empty()) validate_hf_repo(hf_repo);
  p.hf_repo = hf_repo;
  p.description = description;
  p.created_at = util::now_iso8601();
  return store::insert_project(db, p);
}

std::vector<store::Project> list_projects(store::Database& db) { return store::list_projects(db); }

}  // namespace photoagent::workflows
