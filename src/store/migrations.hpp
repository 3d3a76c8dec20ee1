#pragma once
// The schema, as an append-only list of steps. Step i brings user_version
// from i to i+1. Never edit a released step; add one.

#include <array>
#include <string_view>

namespace photoagent::store::detail {

inline constexpr std::array<std::string_view, 1> kMigrations{
    // 1: projects and their images.
    R"sql(
CREATE TABLE projects (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  kind         TEXT NOT NULL CHECK (kind IN ('person', 'product')),
  trigger_word TEXT NOT NULL,
  description  TEXT NOT NULL DEFAULT '',
  hf_repo      TEXT,
  created_at   TEXT NOT NULL
);
CREATE TABLE images (
  id            INTEGER PRIMARY KEY,
  project_id    INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  sha256        TEXT NOT NULL,          -- of the stored file (its name in images/)
  source_sha256 TEXT NOT NULL,          -- of the original file: the dedupe key
  path          TEXT NOT NULL,          -- relative to the data folder
  original_name TEXT NOT NULL DEFAULT '',
  bytes         INTEGER NOT NULL,
  width         INTEGER NOT NULL,
  height        INTEGER NOT NULL,
  caption       TEXT NOT NULL DEFAULT '',
  category      TEXT,
  tags          TEXT NOT NULL DEFAULT '',  -- comma-separated
  source        TEXT NOT NULL CHECK (source IN ('upload', 'generated')),
  created_at    TEXT NOT NULL,
  UNIQUE (project_id, source_sha256)
);
CREATE INDEX images_by_project ON images(project_id);
CREATE INDEX images_by_sha ON images(sha256);
)sql",
};

}  // namespace photoagent::store::detail
