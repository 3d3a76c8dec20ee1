#pragma once
// photoagent project images [NAME] | project image edit ID | project image rm ID

#include <cstdint>
#include <optional>
#include <string>

#include "../context.hpp"
#include "../flags.hpp"

namespace photoagent::cli {

struct ImagesOptions {
  std::string project;
  std::string source = "upload";  // upload | generated | all
};
int run_project_images(Context& ctx, const ImagesOptions& o);

struct ImageEditOptions {
  std::int64_t id = 0;
  std::optional<std::string> caption, category, tags;
};
int run_image_edit(Context& ctx, const ImageEditOptions& o);

struct ImageRmOptions {
  std::int64_t id = 0;
};
int run_image_rm(Context& ctx, const ImageRmOptions& o);

// project images, project image edit|rm.
std::vector<CommandSpec> images_commands();

}  // namespace photoagent::cli
