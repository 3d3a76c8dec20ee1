#include "photoagent/workflows/photos.hpp"

#include <filesystem>

#include "photoagent/util/error.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/util/text_check.hpp"
#include "photoagent/workflows/categories.hpp"

namespace photoagent::workflows {

std::vector<store::Image> list_images(store::Database& db, const store::Project& project, const std::string& source) {
  store::ImageSource which = store::ImageSource::uploads;
  if (source == "generated") which = store::ImageSource::generated;
  else if (source == "all") which = store::ImageSource::all;
  else if (source != "upload") throw util::usage_error("--source is upload, generated or all, not '" + source + "'");
  return store::list_images(db, project.id, which);
}

store::Image require_image(store::Database& db, std::int64_t id) {
  auto img = store::find_image(db, id);
  if (!img)
    throw util::not_found("no image with id " + std::to_string(id),
                          "List a project's images with 'photoagent project images NAME'.");
  return *img;
}

store::Image edit_image(store::Database& db, const Config& config, std::int64_t id, const PhotoEdit& e) {
  const auto img = require_image(db, id);
  if (!e.caption && !e.category && !e.tags)
    throw util::usage_error("nothing to change", "Pass --caption, --category and/or --tags.");
  if (e.caption) util::check_text("the caption", *e.caption);
  if (e.tags) util::check_text("the tags", *e.tags);
  if (e.category) util::check_text("the category", *e.category);
  store::ImageEdit edit;
  if (e.caption) edit.caption = util::trim(*e.caption);
  if (e.tags) edit.tags = normalise_tags(*e.tags);
  if (e.category) {
    std::string cat = util::to_lower(util::trim(*e.category));
    if (!cat.empty()) {
      auto p = store::find_project(db, img.project);
      if (!p) throw util::not_found("the image's project is gone");
      validate_category(config, p->kind, cat);
    }
    edit.category = cat;
  }
  return store::update_image(db, id, edit);
}

store::Image remove_image(store::Database& db, std::int64_t id) {
  auto img = require_image(db, id);
  if (auto orphan = store::delete_image(db, id)) {
    std::error_code ec;
    std::filesystem::remove(db.data_dir() / *orphan, ec);
  }
  return img;
}

}  // namespace photoagent::workflows
