#pragma once
// Uploads to a Hugging Face repo, in one commit (reference/hf_sendgrid.md §3).

#include <filesystem>
#include <string>
#include <vector>

#include "photoagent/services/api.hpp"

namespace photoagent::services::huggingface {

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

}  // namespace photoagent::services::huggingface
