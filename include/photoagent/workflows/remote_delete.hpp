#pragma once
// `project delete NAME --remote`: what a project left online goes too. The
// Replicate model its trainings made (every version first: Replicate deletes
// only private models without versions), the training zips still on the
// Files API, and its Hugging Face repos. The cli asks for the typed project
// name (or --yes) before calling this, and deletes the local project after.

#include <functional>
#include <string>
#include <vector>

#include "photoagent/store/database.hpp"
#include "photoagent/store/projects.hpp"
#include "photoagent/workflows/training.hpp"

namespace photoagent::workflows {

struct RemoteTargets {
  std::vector<std::string> replicate_models;  // owner/name
  std::vector<std::string> hf_repos;          // owner/name
  std::vector<std::string> uploads;           // Files API ids of training zips not deleted yet
};

// The destinations of the project's trainings (else ACCOUNT/NAME, looked up
// on Replicate), its Hugging Face repos (the project's and its trainings').
RemoteTargets remote_targets(store::Database& db, const Services& services, const store::Project& project);

struct RemoteDeletion {
  std::vector<std::string> deleted;  // "replicate:owner/name", "huggingface:owner/name", "file:ID"
  std::vector<std::string> missing;  // not there (never created, or deleted before)
  int versions = 0;                  // Replicate versions deleted
};

// Deletes them; util::Error on the first refusal (what was deleted stays
// deleted; running it again finishes). A Hugging Face repo needs the Hugging
// Face login (util::Error, exit 4, before anything is deleted).
RemoteDeletion delete_remote(const Services& services, const RemoteTargets& targets,
                             const std::function<void(const std::string&)>& progress = {});

}  // namespace photoagent::workflows
