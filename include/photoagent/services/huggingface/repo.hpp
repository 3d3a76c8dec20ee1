#pragma once
// Hugging Face model repos (reference/hf_sendgrid.md §2).

#include <string>

#include "photoagent/services/api.hpp"

namespace photoagent::services::huggingface {

// POST /api/repos/create for a model repo ("owner/name"), after
// require_write_access. Returns true when it was created, false when it
// already existed (409). Private by default: these weights are of a
// person's face. Sends `visibility` only, as the official clients do.
bool create_repo(const Api& api, const std::string& repo_id, bool private_repo = true);

// DELETE /api/repos/delete {"name", "organization", "type": "model"}, as
// huggingface_hub's delete_repo sends it. False when there was no such repo.
bool delete_repo(const Api& api, const std::string& repo_id);

}  // namespace photoagent::services::huggingface
