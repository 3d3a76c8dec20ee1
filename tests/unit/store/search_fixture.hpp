#pragma once
// A small cache for the search tests, written through the store's own write
// paths (insert_image, record_generated_images), so the index is whatever the
// triggers made of it.
//
//   id  project  source     text
//   1   ada      upload     "woman in a red dress on the beach"  tags red,beach,summer  full-body  IMG_0001.jpg
//   2   ada      upload     "close-up portrait, soft window light" tags portrait,indoor  close-up  beach_day.jpg
//   3   ada      upload     "café terrace in Paris, smiling"     tags cafe,outdoor  candid  IMG_0003.jpg
//   4   ada      generated  prompt "TOK_ADA on a sailboat at golden hour"  headshot  flux-dev  seed 42
//   5   ada      generated  prompt "TOK_ADA in a red dress, studio light"   full-body flux-schnell seed 7
//   6   bob      upload     "a ceramic mug on a wooden table"    tags mug,studio  packshot  red_mug.jpg
//   7   bob      generated  prompt "a mug on a beach towel"  product-lifestyle  flux-dev  seed 1

#include <SQLiteCpp/Statement.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "photoagent/store/database.hpp"
#include "photoagent/store/images.hpp"
#include "photoagent/store/projects.hpp"
#include "photoagent/store/search.hpp"
#include "photoagent/util/vectors.hpp"
#include "support.hpp"

namespace testing {

struct SearchCache {
  TempDir dir;
  photoagent::store::Database db{dir.path()};
  photoagent::store::Project ada, bob;

  SearchCache() {
    ada = project("ada", "person", "Ada Lovelace, mathematician");
    bob = project("bob", "product", "ceramic mugs");
    photo(ada.id, "woman in a red dress on the beach", "red,beach,summer", "full-body", "IMG_0001.jpg",
          "2026-01-05T10:00:00Z");
    photo(ada.id, "close-up portrait, soft window light", "portrait,indoor", "close-up", "beach_day.jpg",
          "2026-01-10T10:00:00Z");
    photo(ada.id, "café terrace in Paris, smiling", "cafe,outdoor", "candid", "IMG_0003.jpg", "2026-02-01T10:00:00Z");
    output(ada.id, "TOK_ADA on a sailboat at golden hour", "headshot", "black-forest-labs/flux-dev", 42,
           "2026-02-10T10:00:00Z");
    output(ada.id, "TOK_ADA in a red dress, studio light", "full-body", "black-forest-labs/flux-schnell", 7,
           "2026-02-15T10:00:00Z");
    photo(bob.id, "a ceramic mug on a wooden table", "mug,studio", "packshot", "red_mug.jpg", "2026-01-20T10:00:00Z");
    output(bob.id, "a mug on a beach towel", "product-lifestyle", "black-forest-labs/flux-dev", 1,
           "2026-03-01T10:00:00Z");
  }

  photoagent::store::Project project(const std::string& name, const std::string& kind, const std::string& desc) {
    photoagent::store::Project p;
    p.name = name, p.kind = kind, p.trigger = "TOK", p.description = desc, p.created_at = "2026-01-01T00:00:00Z";
    return photoagent::store::insert_project(db, p);
  }

  photoagent::store::Image image(std::int64_t project_id, const std::string& key) {
    photoagent::store::Image i;
    i.project_id = project_id;
    i.sha256 = i.source_sha256 = key;
    i.path = "images/" + key.substr(0, 2) + "/" + key + ".jpg";
    i.bytes = 100, i.width = 64, i.height = 64;
    return i;
  }

  std::int64_t photo(std::int64_t project_id, const std::string& caption, const std::string& tags,
                     const std::string& category, const std::string& file, const std::string& when) {
    auto i = image(project_id, "up" + std::to_string(++n_));
    i.caption = caption, i.tags = tags, i.category = category, i.original_name = file, i.created_at = when;
    auto row = photoagent::store::insert_image(db, i);
    REQUIRE(row);
    return row->id;
  }

  std::int64_t prediction(std::int64_t project_id, const std::string& prompt, const std::string& style,
                          const std::string& model, long long seed) {
    SQLite::Statement ins(db.sql(),
                          "INSERT INTO predictions (key, purpose, model, input, input_digest, status, project_id,"
                          " created_at, prompt, style, seed) VALUES (?, 'generate', ?, '{}', 'd', 'succeeded', ?,"
                          " '2026-01-01T00:00:00Z', ?, ?, ?)");
    ins.bind(1, "key" + std::to_string(++n_));
    ins.bind(2, model);
    ins.bind(3, project_id);
    ins.bind(4, prompt);
    ins.bind(5, style);
    ins.bind(6, static_cast<std::int64_t>(seed));
    ins.exec();
    return db.sql().getLastInsertRowid();
  }

  // A generation and its one output, as generate records them (caption = prompt).
  std::int64_t output(std::int64_t project_id, const std::string& prompt, const std::string& style,
                      const std::string& model, long long seed, const std::string& when) {
    const auto pid = prediction(project_id, prompt, style, model, seed);
    auto i = image(project_id, "gen" + std::to_string(++n_));
    i.caption = prompt, i.source = "generated", i.original_name = "out-" + std::to_string(n_) + ".png";
    i.created_at = when;
    photoagent::store::record_generated_images(db, pid, {i}, "[]");
    return db.sql().execAndGet("SELECT MAX(id) FROM images").getInt64();
  }

  std::vector<std::int64_t> ids(const photoagent::store::TextSearch& s) {
    std::vector<std::int64_t> out;
    for (const auto& h : photoagent::store::search_text(db, s)) out.push_back(h.image.id);
    return out;
  }
  std::vector<std::int64_t> ids(const std::string& match) {
    photoagent::store::TextSearch s;
    s.match = match;
    s.limit = 0;
    return ids(s);
  }
  static std::vector<std::int64_t> sorted(std::vector<std::int64_t> v) {
    std::sort(v.begin(), v.end());
    return v;
  }

  // The index agrees with its content table, and the content table with the
  // base tables it is built from.
  void check_index() {
    CHECK_NOTHROW(db.sql().exec("INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)"));
    CHECK(db.sql().execAndGet("SELECT COUNT(*) FROM (SELECT * FROM search_docs EXCEPT SELECT * FROM "
                              "search_doc_source)").getInt() == 0);
    CHECK(db.sql().execAndGet("SELECT COUNT(*) FROM (SELECT * FROM search_doc_source EXCEPT SELECT * FROM "
                              "search_docs)").getInt() == 0);
  }

 private:
  int n_ = 0;
};

// For the vector tests on this cache: a unit vector pointing mostly along
// axis `k` (of 8), with a little of axis 7.
inline std::vector<float> axis(int k, float tilt = 0.1f) {
  std::vector<float> v(8, 0.0f);
  v[static_cast<std::size_t>(k)] = 1.0f;
  v[7] += tilt;
  photoagent::util::normalise(v);
  return v;
}

}  // namespace testing
