#include "photoagent/workflows/remote_delete.hpp"

#include <algorithm>

#include "photoagent/net/retry.hpp"
#include "photoagent/services/huggingface/repo.hpp"
#include "photoagent/services/replicate/account.hpp"
#include "photoagent/services/replicate/files.hpp"
#include "photoagent/services/replicate/model_ref.hpp"
#include "photoagent/services/replicate/models.hpp"
#include "photoagent/store/trainings.hpp"
#include "photoagent/util/error.hpp"

namespace photoagent::workflows {
namespace rep = services::replicate;

namespace {

void add_once(std::vector<std::string>& v, const std::string& s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

}  // namespace

RemoteTargets remote_targets(store::Database& db, const Services& s, const store::Project& project) {
  RemoteTargets t;
  for (const auto& row : store::list_trainings(db, project.id)) {
    add_once(t.replicate_models, row.destination);
    add_once(t.hf_repos, row.hf_repo);
    if (!row.upload_id.empty() && row.upload_state != "deleted") add_once(t.uploads, row.upload_id);
  }
  // Never trained from this cache: the model a training would have made.
  if (t.replicate_models.empty()) add_once(t.replicate_models, rep::get_account(*s.replicate).username + "/" + project.name);
  add_once(t.hf_repos, project.hf_repo);
  return t;
}

RemoteDeletion delete_remote(const Services& s, const RemoteTargets& t,
                             const std::function<void(const std::string&)>& progress) {
  auto step = [&](const std::string& what) { if (progress) progress(what); };
  if (!t.hf_repos.empty() && s.huggingface == nullptr)
    throw util::auth_error("deleting " + t.hf_repos.front() + " needs the Hugging Face login",
                           "Run 'photoagent login --huggingface', then delete again.");
  RemoteDeletion d;
  for (const auto& id : t.uploads) {
    step("deleting the training zip " + id);
    (rep::delete_file(*s.replicate, id) ? d.deleted : d.missing).push_back("file:" + id);
  }
  for (const auto& name : t.replicate_models) {
    const auto model = rep::parse_model_ref(name);
    step("deleting " + name + " on Replicate");
    auto outcome = rep::delete_model(*s.replicate, model);
    // Versions are deleted first, as Replicate asks; their deletion is
    // accepted (202) and may take minutes, so the model is asked again.
    for (int attempt = 0; outcome == rep::ModelDeletion::refused && attempt < 8; ++attempt) {
      if (attempt == 0) {
        for (const auto& v : rep::list_versions(*s.replicate, model)) {
          step("deleting version " + v.substr(0, 12) + " of " + name);
          rep::delete_version(*s.replicate, model, v);
          ++d.versions;
        }
      } else {
        net::interruptible_sleep(std::chrono::seconds(std::min(30, 2 << attempt)));
      }
      outcome = rep::delete_model(*s.replicate, model);
    }
    if (outcome == rep::ModelDeletion::refused)
      throw util::remote_error("Replicate still refuses to delete " + name + " (it deletes only private models without versions)",
                               "Its versions may still be going, or someone else ran one; see https://replicate.com/" +
                                   name + "/settings and run the same command again.");
    (outcome == rep::ModelDeletion::deleted ? d.deleted : d.missing).push_back("replicate:" + name);
  }
  for (const auto& repo : t.hf_repos) {
    step("deleting " + repo + " on Hugging Face");
    (services::huggingface::delete_repo(*s.huggingface, repo) ? d.deleted : d.missing).push_back("huggingface:" + repo);
  }
  return d;
}

}  // namespace photoagent::workflows
