#pragma once
// The schema, as an append-only list of steps. Step i brings user_version
// from i to i+1. Never edit a released step; add one.

#include <array>
#include <string_view>

namespace photoagent::store::detail {

inline constexpr std::array<std::string_view, 2> kMigrations{
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
    // 2: every paid prediction, written as an intent before it is created (DESIGN §4).
    R"sql(
CREATE TABLE predictions (
  id            INTEGER PRIMARY KEY,
  key           TEXT NOT NULL UNIQUE,     -- our idempotency key
  purpose       TEXT NOT NULL,            -- caption | tags | generate | upscale | face_restore | embed
  model         TEXT NOT NULL,            -- owner/name
  version       TEXT NOT NULL DEFAULT '', -- version id when run by version
  input         TEXT NOT NULL,            -- JSON as sent, data URIs and secrets replaced
  input_digest  TEXT NOT NULL,            -- for reconciliation (see runner.cpp)
  replicate_id  TEXT UNIQUE,
  status        TEXT NOT NULL,            -- intent | sent | starting | processing | succeeded | failed | canceled | aborted
  output        TEXT,                     -- JSON
  error         TEXT,
  predict_time  REAL,
  project_id    INTEGER REFERENCES projects(id) ON DELETE SET NULL,
  image_id      INTEGER REFERENCES images(id) ON DELETE SET NULL,
  claimed_by    INTEGER,                  -- pid of the process creating it
  created_at    TEXT NOT NULL,
  sent_at       TEXT,
  completed_at  TEXT
);
CREATE INDEX predictions_by_status ON predictions(status);
CREATE INDEX predictions_by_project ON predictions(project_id);
)sql",
};

}  // namespace photoagent::store::detail
