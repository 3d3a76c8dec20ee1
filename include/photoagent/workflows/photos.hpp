#pragma once
// A project's images as the user manages them: list (photos, outputs or
// both), edit caption / category / tags (checked against the project's
// kind), remove (and its file, when nothing else uses it).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "photoagent/store/images.hpp"
#include "photoagent/store/projects.hpp"
#include "photoagent/workflows/config.hpp"

namespace photoagent::workflows {

// `source`: "upload" (the photos), "generated" or "all"; util::Error else.
std::vector<store::Image> list_images(store::Database& db, const store::Project& project, const std::string& source);

// The image, or util::Error (exit 3) saying how to list them.
store::Image require_image(store::Database& db, std::int64_t id);

struct PhotoEdit {
  std::optional<std::string> caption, category, tags;
};
// Trims, normalises tags, checks the category; returns the updated row.
store::Image edit_image(store::Database& db, const Config& config, std::int64_t id, const PhotoEdit& edit);

// Removes the row, and the stored file when no other row uses it.
store::Image remove_image(store::Database& db, std::int64_t id);

}  // namespace photoagent::workflows
