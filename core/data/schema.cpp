#include "data/schema.h"

#include <string>

#include "data/sqlite.h"
#include "util/error.h"

namespace tmf {
namespace {

// Magic number in PRAGMA application_id: 'TMFS'.
constexpr int kAppId = 0x544D4653;

// Each entry migrates from version i to i+1. Never edit a released entry: append a new one.
const char* const kMigrations[] = {
    // v1: the dataset proper, splits, candidate sets, evaluation runs, models, case studies.
    R"SQL(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE behaviors (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  position INTEGER NOT NULL UNIQUE,       -- order in the vocabulary (0 = weakest)
  is_target INTEGER NOT NULL DEFAULT 0 CHECK (is_target IN (0, 1))
);
CREATE TABLE items (
  id INTEGER PRIMARY KEY,
  external_id TEXT NOT NULL UNIQUE,       -- id in the source data
  name TEXT NOT NULL,                     -- what prompts and answers call the item
  brand TEXT NOT NULL DEFAULT '',
  categories TEXT NOT NULL DEFAULT '',    -- '|'-separated, most general first
  description TEXT NOT NULL DEFAULT '',
  attrs TEXT NOT NULL DEFAULT '{}',       -- JSON: year, genres, price, size, ...
  image BLOB,                             -- PNG or JPEG bytes
  image_format TEXT,                      -- 'png' | 'jpeg'
  image_width INTEGER, image_height INTEGER
);
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  external_id TEXT NOT NULL UNIQUE,
  attrs TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  behavior_id INTEGER NOT NULL REFERENCES behaviors(id),
  ts INTEGER NOT NULL                     -- seconds since the epoch (or any monotone clock)
);
CREATE INDEX events_by_user ON events(user_id, ts, id);
CREATE INDEX events_by_item ON events(item_id);
CREATE TABLE splits (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  history_len INTEGER NOT NULL,
  target_behavior_id INTEGER NOT NULL REFERENCES behaviors(id),
  users_skipped INTEGER NOT NULL,
  created TEXT NOT NULL
);
CREATE TABLE split_rows (
  id INTEGER PRIMARY KEY,
  split_id INTEGER NOT NULL REFERENCES splits(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  part TEXT NOT NULL CHECK (part IN ('valid', 'test')),
  target_event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  target_item_id INTEGER NOT NULL REFERENCES items(id),
  history TEXT NOT NULL,                  -- event ids, oldest first, comma-separated
  UNIQUE (split_id, user_id, part)
);
CREATE TABLE candidate_sets (
  id INTEGER PRIMARY KEY,
  split_id INTEGER NOT NULL REFERENCES splits(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('random', 'hard')),
  seed INTEGER NOT NULL,
  num_negatives INTEGER NOT NULL,
  created TEXT NOT NULL,
  UNIQUE (split_id, name)
);
CREATE TABLE candidates (
  set_id INTEGER NOT NULL REFERENCES candidate_sets(id) ON DELETE CASCADE,
  row_id INTEGER NOT NULL REFERENCES split_rows(id) ON DELETE CASCADE,
  items TEXT NOT NULL,                    -- item ids in presentation order, comma-separated
  truth_pos INTEGER NOT NULL,             -- index of the ground truth in items
  PRIMARY KEY (set_id, row_id)
);
CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  path TEXT NOT NULL,
  hash TEXT NOT NULL,
  kind TEXT NOT NULL,                     -- 'tmf', 'sasrec', ...
  settings TEXT NOT NULL DEFAULT '{}',
  created TEXT NOT NULL
);
CREATE TABLE eval_runs (
  id INTEGER PRIMARY KEY,
  created TEXT NOT NULL,
  model_name TEXT NOT NULL,
  model_kind TEXT NOT NULL,
  model_hash TEXT NOT NULL,
  level TEXT NOT NULL DEFAULT '',         -- ablation level for TMF
  candidate_set_id INTEGER REFERENCES candidate_sets(id) ON DELETE SET NULL,
  part TEXT NOT NULL,
  decode TEXT NOT NULL DEFAULT '',
  seed INTEGER NOT NULL DEFAULT 0,
  n INTEGER NOT NULL,
  n_valid INTEGER NOT NULL,
  n_hit INTEGER NOT NULL,
  settings TEXT NOT NULL DEFAULT '{}',    -- JSON: every setting, versions
  wall_seconds REAL NOT NULL DEFAULT 0
);
CREATE TABLE case_studies (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  notes TEXT NOT NULL DEFAULT '',
  payload TEXT NOT NULL,                  -- JSON: steps, target behavior, candidates, expected
  created TEXT NOT NULL,
  updated TEXT NOT NULL
);
CREATE TABLE case_items (                 -- synthetic items added by an analyst
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES case_studies(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  text TEXT NOT NULL,
  image BLOB, image_format TEXT
);
)SQL",
    // v2: cached item/behavior embeddings per (encoder, version).
    R"SQL(
CREATE TABLE embeddings (
  encoder TEXT NOT NULL,                  -- 'clip-image', 'clip-text', 'mbht-item', 'mbht-behavior'
  version TEXT NOT NULL,                  -- hash of the encoder weights and settings
  key INTEGER NOT NULL,                   -- item id or behavior id
  dim INTEGER NOT NULL,
  vector BLOB NOT NULL,                   -- float32 little-endian
  PRIMARY KEY (encoder, version, key)
);
)SQL",
    // v3: blind human rating studies (paper §5.4): sampled sequences, recommendation sources and
    // their recommendations, raters, and one rating per (rater, sequence, recommended item) so that
    // identical recommendations of two sources are rated once and credited to both.
    R"SQL(
CREATE TABLE rating_studies (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  split TEXT NOT NULL,                    -- split whose test rows were sampled
  candidates TEXT NOT NULL,               -- candidate set that model sources choose from
  n_sequences INTEGER NOT NULL,           -- asked for (fewer when the split has fewer rows)
  seed INTEGER NOT NULL,                  -- sampling and per-rater order
  settings TEXT NOT NULL DEFAULT '{}',
  created TEXT NOT NULL
);
CREATE TABLE rating_sequences (
  id INTEGER PRIMARY KEY,
  study_id INTEGER NOT NULL REFERENCES rating_studies(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,              -- order of the sample
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  split_row_id INTEGER REFERENCES split_rows(id) ON DELETE SET NULL,
  history TEXT NOT NULL,                  -- event ids, oldest first, comma-separated (frozen)
  UNIQUE (study_id, user_id)
);
CREATE TABLE rating_sources (             -- never shown to raters
  id INTEGER PRIMARY KEY,
  study_id INTEGER NOT NULL REFERENCES rating_studies(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,                     -- 'tmf' | 'baseline' | 'csv'
  origin TEXT NOT NULL DEFAULT '',        -- package folder, CSV path, baseline settings
  created TEXT NOT NULL,
  UNIQUE (study_id, name)
);
CREATE TABLE rating_recommendations (
  source_id INTEGER NOT NULL REFERENCES rating_sources(id) ON DELETE CASCADE,
  sequence_id INTEGER NOT NULL REFERENCES rating_sequences(id) ON DELETE CASCADE,
  item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  PRIMARY KEY (source_id, sequence_id)
);
CREATE INDEX rating_recommendations_by_sequence ON rating_recommendations(sequence_id, item_id);
CREATE TABLE rating_raters (
  id INTEGER PRIMARY KEY,
  study_id INTEGER NOT NULL REFERENCES rating_studies(id) ON DELETE CASCADE,
  name TEXT NOT NULL,                     -- name or code
  UNIQUE (study_id, name)
);
CREATE TABLE ratings (
  id INTEGER PRIMARY KEY,
  rater_id INTEGER NOT NULL REFERENCES rating_raters(id) ON DELETE CASCADE,
  sequence_id INTEGER NOT NULL REFERENCES rating_sequences(id) ON DELETE CASCADE,
  item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  score INTEGER CHECK (score IS NULL OR score BETWEEN 1 AND 5),  -- NULL: skipped
  origin TEXT NOT NULL DEFAULT 'app',     -- 'app' or 'import:<file>'
  updated TEXT NOT NULL,
  UNIQUE (rater_id, sequence_id, item_id)
);
)SQL",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion, "one migration per version");

}  // namespace

int schema_version(sql::Db& db) { return int(db.scalar_int("PRAGMA user_version")); }

void migrate_schema_to(sql::Db& db, int target) {
  int version = schema_version(db);
  int64_t app_id = db.scalar_int("PRAGMA application_id");
  if (version == 0) {
    int64_t tables = db.scalar_int("SELECT count(*) FROM sqlite_master WHERE type = 'table'");
    TMF_CHECK(tables == 0, "'", db.path(), "' is an SQLite file but not a TMF dataset (", tables,
              " foreign tables, no schema version)");
  } else {
    TMF_CHECK(app_id == kAppId, "'", db.path(), "' is not a TMF dataset (application_id ", app_id, ")");
  }
  TMF_CHECK(version >= 0, "'", db.path(), "' is not a TMF dataset: its schema version is ", version,
            " (TMF Studio writes versions 1 to ", kSchemaVersion, ")");
  TMF_CHECK(version <= kSchemaVersion, "dataset '", db.path(), "' has schema version ", version,
            " but this TMF Studio reads up to version ", kSchemaVersion, ": it was written by a newer release");
  if (version >= target) return;
  sql::Transaction tx(db);
  if (version == 0) db.exec("PRAGMA application_id = " + std::to_string(kAppId));
  for (int v = version; v < target; ++v) db.exec(kMigrations[v]);
  db.exec("PRAGMA user_version = " + std::to_string(target));
  tx.commit();
}

void migrate_schema(sql::Db& db) { migrate_schema_to(db, kSchemaVersion); }

}  // namespace tmf
