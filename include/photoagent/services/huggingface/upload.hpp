#pragma once
// The Hugging Face Hub API (reference/hf_sendgrid.md §1-§4).

#include <filesystem>
#include <string>
#include <vector>

#include "photoagent/services/api.hpp"

namespace photoagent::services::huggingface {

// One grant of a fine-grained token: permissions on a user, an org or a
// single repo (auth.accessToken.fineGrained.scoped[] in whoami-v2).
struct TokenScope {
  std::string type;  // "user" | "org" | "model" | "dataset" | "space"
  std::string name;  // a namespace, or "owner/name" for a repo
  std::vector<std::string> permissions;  // "repo.write", "inference.serverless.write", ...
};

struct WhoAmI {
  std::string name;  // the user's namespace
  std::string type;  // "user" | "org" | "app"
  std::string role;  // the token's role: read | write | admin | contributor | fineGrained
  std::vector<std::string> orgs;
  std::vector<TokenScope> scoped;  // fine-grained tokens only
};

// GET /api/whoami-v2.
WhoAmI whoami(const Api& api);

// Where this token may create and push model repos: namespaces, and single
// repos ("owner/name") a fine-grained token was scoped to. Empty for a read
// token; for a role the Hub may add later, nothing is known (see below).
std::vector<std::string> writable_targets(const WhoAmI& who);

// "" when the token may push to repo_id (or when whoami cannot tell), else
// why not, naming what it can write to.
std::string write_refusal(const WhoAmI& who, const std::string& repo_id);

// Asks whoami and throws util::Error (exit 4) when the token cannot write to
// repo_id, so a push fails before anything is uploaded.
void require_write_access(const Api& api, const std::string& repo_id);

// POST /api/repos/create for a model repo ("owner/name"), after
// require_write_access. Returns true when it was created, false when it
// already existed (409). Private by default: these weights are of a
// person's face. Sends `visibility` only, as the official clients do.
bool create_repo(const Api& api, const std::string& repo_id, bool private_repo = true);

struct UploadFile {
  std::string path_in_repo;     // e.g. "lora.safetensors", "README.md"
  std::filesystem::path local;  // content from this file, or
  std::string content;          // this text when `local` is empty
};

struct CommitResult {
  std::string commit_oid;  // "" when nothing needed committing
  std::string commit_url;
  std::vector<std::string> unchanged;  // files whose remote copy already matched
};

// Uploads files in one commit, the way huggingface_hub does (hf_sendgrid.md
// §3): preupload decides LFS vs regular; LFS files go through the batch API
// (basic or multipart transfer, then verify) to presigned URLs that never
// receive the token; then one ndjson commit. A file whose remote copy
// already has the same oid (sha256) is not sent again, and when every file
// is unchanged no commit is made, so repeating a push is free and safe.
CommitResult upload_files(const Api& api, const std::string& repo_id, const std::vector<UploadFile>& files,
                          const std::string& summary, const std::string& revision = "main");

// The inference host: PHOTOAGENT_HF_INFERENCE_URL, else https://router.huggingface.co.
std::string inference_base_url();

// One inference provider serving a Hub model (the model's
// inferenceProviderMapping).
struct ProviderMapping {
  std::string provider;     // "hf-inference", "fal-ai", "replicate", ...
  std::string provider_id;  // the model's name at that provider
  std::string task;         // "text-to-image", ...
  std::string status;       // "live" | "staging"
};

// GET {hub}/api/models/REPO?expand[]=inferenceProviderMapping. `hub` is the
// Hub API (HF_ENDPOINT), not the inference router. Reads both shapes the Hub
// uses (an object keyed by provider, or a list).
std::vector<ProviderMapping> inference_providers(const Api& hub, const std::string& repo);

// Throws util::Error (exit 2) unless hf-inference serves REPO for
// text-to-image, naming the providers that do; a repo the token cannot see
// is exit 3. photoagent runs hf-inference only.
void require_hf_inference(const Api& hub, const std::string& repo);

// Text-to-image on Hugging Face's hf-inference provider (hf_sendgrid.md §5):
// POST {inference}/hf-inference/models/REPO with {"inputs", "parameters"}.
// Returns the image bytes (raw, or from a JSON b64_json answer). A model
// still loading (503 with estimated_time) is waited for, a few times.
std::string text_to_image(const Api& inference, const std::string& repo, const std::string& body_json);

}  // namespace photoagent::services::huggingface
