#pragma once
// Git LFS uploads to the Hub, for upload.cpp (hf_sendgrid.md §3.3-§3.4).

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "photoagent/services/api.hpp"

namespace photoagent::services::huggingface::detail {

inline constexpr std::string_view kLfsMediaType = "application/vnd.git-lfs+json";

// An LFS object to put in storage: the bytes of `local`, or of `*content`.
struct LfsObject {
  std::string path_in_repo;
  std::string oid;  // sha256 hex
  std::uint64_t size = 0;
  std::filesystem::path local;
  const std::string* content = nullptr;
};

// LFS batch (basic + multipart), the uploads to presigned URLs, multipart
// completion and verify (hf_sendgrid.md §3.3-§3.4). Objects the storage
// already holds are not sent again.
void upload_lfs(const Api& api, const std::string& repo_id, const std::string& revision,
                const std::vector<LfsObject>& objects);

}  // namespace photoagent::services::huggingface::detail
