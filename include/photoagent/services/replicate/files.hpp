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
// The answer of POST /files; util::Error (exit 5) naming the field when it
// is not a file or has no `urls.get`.
UploadedFile parse_uploaded_file(const std::string& body);

// POST /files (multipart, streamed from disk). Checks the returned sha256
// against `sha256`. 413 (over Replicate's 100 MiB limit) says what to do.
UploadedFile upload_file(const Api& api, const std::filesystem::path& file, const std::string& content_type,
                         const std::string& sha256);

// DELETE /files/{id} (204). False when the file is gone already (404: deleted,
// or expired after 24 hours).
bool delete_file(const Api& api, const std::string& id);

}  // namespace photoagent::services::replicate
