#pragma once
// Pieces shared by the Hugging Face repo, LFS and commit code; not part of
// the public services interface.

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "photoagent/services/api.hpp"

namespace photoagent::services::huggingface::detail {

inline constexpr std::string_view kLfsMediaType = "application/vnd.git-lfs+json";

// Refuses anything but "owner/name" made of the characters the Hub allows,
// so the id can go into URL paths as is.
void check_repo_id(const std::string& repo_id);

// A 401 whose body or X-Error-Message says the token itself is invalid.
bool says_bad_token(const net::Response& r);

// Throws the error for a failed Hub response. A 401 means a bad token only
// when the Hub says "Invalid credentials in Authorization header"; any other
// 401 is the Hub hiding a repo that is missing or private (hf_sendgrid.md §6).
[[noreturn]] void throw_error(const net::Response& r, std::string_view action);

// Sends with the token; a 2xx (or a status in `accept`) comes back, anything
// else goes through throw_error, a transport failure through throw_unreachable.
net::Response send(const Api& api, net::Request req, std::string_view action,
                   std::initializer_list<long> accept = {});

// True when `url` is on the Hub's own host, the only place the token may go.
bool on_hub(const Api& api, const std::string& url);

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
