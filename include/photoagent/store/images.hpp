#pragma once
// Rows of the `images` table, and the content-addressed files behind them:
// DATA/images/ab/<sha256>.<ext>, written to a temporary file and renamed.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "photoagent/store/database.hpp"

namespace photoagent::store {

struct Image {
  std::int64_t id = 0;
  std::int64_t project_id = 0;
  std::string project;        // name, filled by queries
  std::string sha256;         // of the stored file
  std::string source_sha256;  // of the original: the dedupe key
  std::string path;           // relative to the data folder
  std::string original_name;
  std::int64_t bytes = 0;
  int width = 0;
  int height = 0;
  std::string caption;
  std::string category;  // "" when none
  std::string tags;      // comma-separated
  std::string source = "upload";
  std::string created_at;
};

// The stored file's relative path for a hash and extension ("jpg").
std::string blob_path(const std::string& sha256, std::string_view ext);

// Writes bytes under their hash unless the file is already there; returns the
// relative path. Safe against concurrent writers of the same content.
std::string write_blob(const std::filesystem::path& data_dir, const std::string& sha256, std::string_view ext,
                       std::string_view bytes);

// Removes a stored file when no image row refers to it any more.
void remove_blob_if_unreferenced(Database& db, const std::string& relative_path);

// Inserts the row; returns nothing when the project already has an image
// with the same source_sha256 (a duplicate), else the new row.
std::optional<Image> insert_image(Database& db, const Image& img);

std::optional<Image> find_image(Database& db, std::int64_t id);
std::optional<Image> find_image_by_source(Database& db, std::int64_t project_id, const std::string& source_sha256);
// A project's photos are what the user uploaded; generated outputs are kept
// apart (DESIGN §10): training, counts and category hints see uploads only.
enum class ImageSource { uploads, generated, all };
std::vector<Image> list_images(Database& db, std::int64_t project_id, ImageSource source = ImageSource::uploads);

// A generation's outputs: their image rows (linked to the prediction; a file
// already cached for the project is not added twice) and the written paths
// (JSON array), in one transaction; `output` (when not empty) replaces the
// prediction's output (inline images are not kept twice).
void record_generated_images(Database& db, std::int64_t prediction_id, const std::vector<Image>& images,
                             const std::string& files_json, const std::string& output = {});

struct ImageEdit {
  std::optional<std::string> caption, category, tags;
};
// Applies the fields that are set; returns the updated row.
Image update_image(Database& db, std::int64_t id, const ImageEdit& edit);

// Deletes the row; returns the file path when no other row uses the file.
std::optional<std::string> delete_image(Database& db, std::int64_t id);

// Uploaded photos per category for one project (category "" = none).
std::vector<std::pair<std::string, int>> category_counts(Database& db, std::int64_t project_id);

}  // namespace photoagent::store
