#pragma once
// The schema, as an append-only list of steps. Step i brings user_version
// from i to i+1. Never edit a released step; add one. Header-only: the
// schema as data, which database.cpp applies (and unit tests replay).

#include <array>
#include <string_view>

namespace photoagent::store::detail {

inline constexpr std::array<std::string_view, 9> kMigrations{
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
    // 7: full-text search (DESIGN §10). search_docs holds, per image, the
    // text that is indexed: its own caption, tags, category and file name,
    // its generation's prompt, style, model and seed, and its project's name
    // and description. search_index is an FTS5 external-content index over
    // search_docs. The two levels matter: deleting from an external-content
    // index needs the exact values that were indexed, and a join cannot give
    // them back once a prediction or project row is gone (foreign-key actions
    // run after the parent row is deleted). search_docs keeps them, so its
    // own triggers are always exact; the base tables' triggers only rebuild
    // the docs of the images a change touches. Every write path (upload,
    // generate, edit, rm, project rename or delete, a prediction's details)
    // goes through these triggers, so none can forget the index. A generated
    // image's caption is its prompt: counted once (as the prompt).
    R"sql(
CREATE INDEX images_by_prediction ON images(prediction_id);
CREATE INDEX images_by_created ON images(created_at);  -- search --sort date: newest first
CREATE TABLE search_docs (
  image_id    INTEGER PRIMARY KEY,
  caption     TEXT NOT NULL,
  prompt      TEXT NOT NULL,
  tags        TEXT NOT NULL,
  category    TEXT NOT NULL,
  style       TEXT NOT NULL,
  model       TEXT NOT NULL,
  seed        TEXT NOT NULL,
  file        TEXT NOT NULL,
  project     TEXT NOT NULL,
  description TEXT NOT NULL
);
CREATE VIEW search_doc_source AS
SELECT i.id AS image_id,
       CASE WHEN i.caption = COALESCE(pr.prompt, '') THEN '' ELSE i.caption END AS caption,
       COALESCE(pr.prompt, '') AS prompt,
       i.tags AS tags,
       COALESCE(i.category, '') AS category,
       COALESCE(pr.style, '') AS style,
       CASE WHEN pr.id IS NULL THEN '' ELSE pr.model END AS model,
       COALESCE(CAST(pr.seed AS TEXT), '') AS seed,
       i.original_name AS file,
       p.name AS project,
       p.description AS description
FROM images i JOIN projects p ON p.id = i.project_id LEFT JOIN predictions pr ON pr.id = i.prediction_id;
CREATE VIRTUAL TABLE search_index USING fts5(
  caption, prompt, tags, category, style, model, seed, file, project, description,
  content='search_docs', content_rowid='image_id',
  tokenize='unicode61 remove_diacritics 2', prefix='2 3'
);
CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
  INSERT INTO search_index (rowid, caption, prompt, tags, category, style, model, seed, file, project, description)
  VALUES (new.image_id, new.caption, new.prompt, new.tags, new.category, new.style, new.model, new.seed, new.file,
          new.project, new.description);
END;
CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
  INSERT INTO search_index (search_index, rowid, caption, prompt, tags, category, style, model, seed, file, project,
                            description)
  VALUES ('delete', old.image_id, old.caption, old.prompt, old.tags, old.category, old.style, old.model, old.seed,
          old.file, old.project, old.description);
END;
CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN
  INSERT INTO search_index (search_index, rowid, caption, prompt, tags, category, style, model, seed, file, project,
                            description)
  VALUES ('delete', old.image_id, old.caption, old.prompt, old.tags, old.category, old.style, old.model, old.seed,
          old.file, old.project, old.description);
  INSERT INTO search_index (rowid, caption, prompt, tags, category, style, model, seed, file, project, description)
  VALUES (new.image_id, new.caption, new.prompt, new.tags, new.category, new.style, new.model, new.seed, new.file,
          new.project, new.description);
END;
CREATE TRIGGER search_images_ai AFTER INSERT ON images BEGIN
  INSERT INTO search_docs SELECT * FROM search_doc_source WHERE image_id = new.id;
END;
CREATE TRIGGER search_images_au
AFTER UPDATE OF id, project_id, caption, tags, category, original_name, prediction_id ON images
WHEN old.id IS NOT new.id OR old.project_id IS NOT new.project_id OR old.caption IS NOT new.caption
  OR old.tags IS NOT new.tags OR old.category IS NOT new.category OR old.original_name IS NOT new.original_name
  OR old.prediction_id IS NOT new.prediction_id
BEGIN
  DELETE FROM search_docs WHERE image_id = old.id;
  INSERT INTO search_docs SELECT * FROM search_doc_source WHERE image_id = new.id;
END;
CREATE TRIGGER search_images_ad AFTER DELETE ON images BEGIN
  DELETE FROM search_docs WHERE image_id = old.id;
END;
CREATE TRIGGER search_predictions_au AFTER UPDATE OF prompt, style, model, seed ON predictions
WHEN old.prompt IS NOT new.prompt OR old.style IS NOT new.style OR old.model IS NOT new.model
  OR old.seed IS NOT new.seed
BEGIN
  DELETE FROM search_docs WHERE image_id IN (SELECT id FROM images WHERE prediction_id = new.id);
  INSERT INTO search_docs SELECT * FROM search_doc_source
  WHERE image_id IN (SELECT id FROM images WHERE prediction_id = new.id);
END;
-- With foreign keys on, deleting a prediction sets images.prediction_id to
-- NULL (search_images_au); this covers a connection that has them off.
CREATE TRIGGER search_predictions_ad AFTER DELETE ON predictions BEGIN
  DELETE FROM search_docs WHERE image_id IN (SELECT id FROM images WHERE prediction_id = old.id);
  INSERT INTO search_docs SELECT * FROM search_doc_source
  WHERE image_id IN (SELECT id FROM images WHERE prediction_id = old.id);
END;
CREATE TRIGGER search_projects_au AFTER UPDATE OF name, description ON projects
WHEN old.name IS NOT new.name OR old.description IS NOT new.description
BEGIN
  DELETE FROM search_docs WHERE image_id IN (SELECT id FROM images WHERE project_id = new.id);
  INSERT INTO search_docs SELECT * FROM search_doc_source
  WHERE image_id IN (SELECT id FROM images WHERE project_id = new.id);
END;
-- Deleting a project deletes its images (ON DELETE CASCADE): search_images_ad.
INSERT INTO search_docs SELECT * FROM search_doc_source;
)sql",
    // 8: the training zip on Replicate's Files API (it holds faces): deleted
    // when the training ends unless kept; recorded so it is not retried forever.
    R"sql(
ALTER TABLE trainings ADD COLUMN upload_id TEXT;     -- Files API id of the zip
ALTER TABLE trainings ADD COLUMN upload_state TEXT;  -- NULL (none) | pending | kept | deleted
ALTER TABLE trainings ADD COLUMN upload_error TEXT;  -- the last failed delete
)sql",
    // 9: embeddings for semantic search (DESIGN §9, §10). A space is one
    // model + version (vectors of two never mix); its vectors live in a matrix
    // file beside the database (vectors/space-ID.i8: per row the image id,
    // a scale and DIM int8 components), so a scan is one pass over memory.
    // image_vectors says which row of the file is an image's current vector:
    // a row is appended (and synced) first, then recorded here, so a crash
    // between the two leaves an unreferenced row, never a wrong one. Query
    // vectors of text are cached: a repeated semantic query costs nothing.
    R"sql(
CREATE TABLE vector_spaces (
  id         INTEGER PRIMARY KEY,
  model      TEXT NOT NULL,
  version    TEXT NOT NULL,
  dim        INTEGER NOT NULL CHECK (dim > 0),
  created_at TEXT NOT NULL,
  UNIQUE (model, version)
);
CREATE TABLE image_vectors (
  space_id INTEGER NOT NULL REFERENCES vector_spaces(id) ON DELETE CASCADE,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  row      INTEGER NOT NULL,
  PRIMARY KEY (space_id, image_id)
) WITHOUT ROWID;
CREATE INDEX image_vectors_by_image ON image_vectors(image_id);
CREATE TABLE query_vectors (
  space_id   INTEGER NOT NULL REFERENCES vector_spaces(id) ON DELETE CASCADE,
  text       TEXT NOT NULL,
  vector     BLOB NOT NULL,  -- float32, unit length
  created_at TEXT NOT NULL,
  PRIMARY KEY (space_id, text)
) WITHOUT ROWID;
)sql",
};

}  // namespace photoagent::store::detail
