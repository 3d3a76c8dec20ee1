#pragma once
// Where each service's secret comes from, in order (first wins):
//   Replicate:    REPLICATE_API_TOKEN, then credentials.json
//   Hugging Face: HF_TOKEN, then HUGGING_FACE_HUB_TOKEN (the legacy name
//                 huggingface_hub still reads), then credentials.json, then $HF_HOME/token
//                 (the hf CLI's file, so its users need not log in twice;
//                 an explicit photoagent login beats it)
//   SendGrid:     SENDGRID_API_KEY, then credentials.json
// credentials.json lives in the profile folder, mode 0600, written
// atomically; one that group or others can read is refused.

#include <filesystem>
#include <optional>
#include <string>

#include "photoagent/services/service.hpp"
#include "photoagent/util/env.hpp"

namespace photoagent::workflows {

struct Credential {
  std::string secret;
  std::string source;   // "env REPLICATE_API_TOKEN", "file /path", ...
  bool from_env = false;
  std::string account;  // as recorded at login (file only)
};

class CredentialStore {
 public:
  // Secrets in `env` win over the stored ones.
  explicit CredentialStore(std::filesystem::path profile_dir, const util::Env& env = util::process_env());

  std::optional<Credential> find(services::Service s) const;
  // Like find(), but a missing secret is util::Error (exit 4) naming the login to run.
  Credential require(services::Service s) const;

  void save(services::Service s, const std::string& secret, const std::string& account);
  bool remove(services::Service s);  // false when nothing was stored
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  const util::Env& env_;
};

}  // namespace photoagent::workflows
