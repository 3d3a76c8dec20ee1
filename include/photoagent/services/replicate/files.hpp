#pragma once
// Replicate's Files API (reference/replicate.md).

#include <cstdint>
#include <filesystem>
#include <string>

#include "photoagent/services/api.hpp"

namespace photoagent::services::replicate {

struct UploadedFile {
  std::string id, url, sha256, expires_at;
  std::uint64_t size = 0;
};
// POST /files (multipart, streamed from disk). Checks the returned sha256
// against `sha256`. 413 (over Replicate's 100 MiB limit) says what to do.
UploadedFile upload_file(const Api& api, const std::filesystem::path& file, const std::string& content_type,
                         const std::string& sha256);

}  // namespace photoagent::services::replicate
