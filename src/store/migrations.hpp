#pragma once
// The schema, as an append-only list of steps. Step i brings user_version
// from i to i+1. Never edit a released step; add one.

#include <array>
#include <string_view>

namespace photoagent::store::detail {

inline constexpr std::array<std::string_view, 6> kMigrations{
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
    // 3: trainings, and what happens after one succeeds (HF push, one email).
    R"sql(
CREATE TABLE trainings (
  id              INTEGER PRIMARY KEY,
  project_id      INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  trainer         TEXT NOT NULL,            -- name in the trainer table, e.g. "flux"
  trainer_model   TEXT NOT NULL,            -- owner/name
  trainer_version TEXT NOT NULL,
  destination     TEXT NOT NULL,            -- owner/name of the model that gets the version
  hardware        TEXT NOT NULL DEFAULT '', -- for the price table
  input           TEXT NOT NULL,            -- JSON as sent, secrets redacted
  input_digest    TEXT NOT NULL,
  zip_sha256      TEXT NOT NULL DEFAULT '',
  images          INTEGER NOT NULL DEFAULT 0,
  replicate_id    TEXT UNIQUE,
  status          TEXT NOT NULL,            -- intent | sent | starting | processing | succeeded | failed | canceled | aborted
  progress        REAL,                     -- 0..1 from the trainer's log
  logs_tail       TEXT NOT NULL DEFAULT '',
  version         TEXT,                     -- output.version (owner/name:hex)
  weights_url     TEXT,
  predict_time    REAL,
  error           TEXT,
  hf_repo         TEXT,
  hf_commit       TEXT,
  hf_error        TEXT,
  notify_to       TEXT,
  notify_state    TEXT,                     -- NULL | claimed | sent | failed (claimed = outcome unknown)
  notified_at     TEXT,
  notify_error    TEXT,
  message_id      TEXT,
  claimed_by      INTEGER,
  created_at      TEXT NOT NULL,
  started_at      TEXT,
  completed_at    TEXT
);
CREATE INDEX trainings_by_project ON trainings(project_id);
CREATE INDEX trainings_by_status ON trainings(status);
)sql",
    // 4: the process pushing a training's LoRA, so racing observers push once.
    R"sql(
ALTER TABLE trainings ADD COLUMN hf_claimed_by INTEGER;
)sql",
    // 5: generations: what was asked (prompt, style, seed), where the files went.
    R"sql(
ALTER TABLE predictions ADD COLUMN prompt TEXT;
ALTER TABLE predictions ADD COLUMN style TEXT;
ALTER TABLE predictions ADD COLUMN seed INTEGER;
ALTER TABLE predictions ADD COLUMN output_dir TEXT;
ALTER TABLE predictions ADD COLUMN files TEXT;   -- JSON array of written paths
ALTER TABLE images ADD COLUMN prediction_id INTEGER REFERENCES predictions(id) ON DELETE SET NULL;
)sql",
    // 6: a project's photos are its uploads; anything a prediction made is an
    // output (DESIGN §10), whatever an older release recorded. Outputs get
    // their own index; predictions gain the local states "unknown"/"expired"
    // (status is free text) and are looked up by key prefix and time.
    R"sql(
UPDATE images SET source = 'generated' WHERE prediction_id IS NOT NULL AND source <> 'generated';
CREATE INDEX images_by_project_source ON images(project_id, source);
CREATE INDEX predictions_by_created ON predictions(created_at);
)sql",
};

}  // namespace photoagent::store::detail
