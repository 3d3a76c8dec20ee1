#pragma once
// The Hugging Face Hub API (reference/hf_sendgrid.md §1-§4).

#include <filesystem>
#include <string>
#include <vector>

#include "photoagent/services/api.hpp"

namespace photoagent::services::huggingface {

struct WhoAmI {
  std::string name;  // the user's namespace
  std::string type;  // "user" | "org" | "app"
  std::string role;  // the token's role: read | write | admin | fineGrained ...
  std::vector<std::string> orgs;
};

// GET /api/whoami-v2.
WhoAmI whoami(const Api& api);

// POST /api/repos/create for a model repo ("owner/name"). Returns true when
// it was created, false when it already existed (409). Private by default:
// these weights are of a person's face.
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

// Text-to-image on Hugging Face's hf-inference provider (hf_sendgrid.md §5):
// POST {inference}/hf-inference/models/REPO with {"inputs", "parameters"}.
// Returns the image bytes (raw, or from a JSON b64_json answer). A model
// still loading (503 with estimated_time) is waited for, a few times.
std::string text_to_image(const Api& inference, const std::string& repo, const std::string& body_json);

}  // namespace photoagent::services::huggingface
