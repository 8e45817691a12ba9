#include <gtest/gtest.h>
#include <sqlite3.h>

#include "data/dataset.h"
#include "data/dataset_writer.h"
#include "data/schema.h"
#include "data/sqlite.h"
#include "test_util.h"
#include "util/error.h"

using namespace tmf;

TEST(Schema, CreateSetsVersionWalAndForeignKeys) {
  test::TempDir dir;
  Dataset ds = Dataset::create(dir.file("a.tmfdb"), "a");
  EXPECT_EQ(schema_version(ds.db()), kSchemaVersion);
  EXPECT_EQ(ds.db().scalar_int("PRAGMA foreign_keys"), 1);
  auto st = ds.db().prepare("PRAGMA journal_mode");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.col_text(0), "wal");
  EXPECT_EQ(ds.name(), "a");
  EXPECT_THROW(Dataset::create(dir.file("a.tmfdb"), "again"), Error);
}

TEST(Schema, ForeignKeysAreEnforced) {
  test::TempDir dir;
  Dataset ds = Dataset::create(dir.file("a.tmfdb"), "a");
  EXPECT_THROW(ds.db().exec("INSERT INTO events(user_id, item_id, behavior_id, ts) VALUES(1, 2, 3, 4)"), Error);
}

TEST(Schema, MigratesForwardKeepingData) {
  test::TempDir dir;
  const std::string path = dir.file("old.tmfdb");
  {
    sql::Db db(path, sql::Db::Mode::Create);
    migrate_schema_to(db, 1);
    EXPECT_EQ(schema_version(db), 1);
    db.exec("INSERT INTO items(external_id, name) VALUES('x', 'Item X')");
    EXPECT_THROW(db.exec("SELECT * FROM embeddings"), Error);  // v2 table absent
  }
  Dataset ds = Dataset::open(path);
  EXPECT_EQ(schema_version(ds.db()), kSchemaVersion);
  EXPECT_EQ(ds.item_count(), 1);
  EXPECT_EQ(ds.db().scalar_int("SELECT count(*) FROM embeddings"), 0);
}

TEST(Schema, NewerSchemaIsRefusedClearly) {
  test::TempDir dir;
  const std::string path = dir.file("new.tmfdb");
  { Dataset::create(path, "n").db().exec("PRAGMA user_version = 99"); }
  try {
    Dataset::open(path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("99"), std::string::npos) << e.what();
  }
}

// A negative version once indexed the migration table out of bounds (crash or unrelated SQL run).
TEST(Schema, NegativeSchemaVersionIsRefusedClearly) {
  test::TempDir dir;
  for (int v : {-1, -16, -100}) {
    const std::string path = dir.file("neg" + std::to_string(-v) + ".tmfdb");
    { Dataset::create(path, "n").db().exec("PRAGMA user_version = " + std::to_string(v)); }
    try {
      Dataset::open(path);
      ADD_FAILURE() << "version " << v << " was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("schema version is " + std::to_string(v)), std::string::npos) << e.what();
    }
  }
}

TEST(Schema, NotADatasetIsRefusedClearly) {
  test::TempDir dir;
  dir.write("text.tmfdb", "hello, this is not a database at all, just some text padding it out......");
  EXPECT_THROW(Dataset::open(dir.file("text.tmfdb")), Error);
  {
    sql::Db db(dir.file("foreign.db"), sql::Db::Mode::Create);
    db.exec("CREATE TABLE t(x)");
  }
  try {
    Dataset::open(dir.file("foreign.db"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not a TMF dataset"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Dataset::open(dir.file("missing.tmfdb")), Error);
}

TEST(Schema, TransactionRollsBackUnlessCommitted) {
  test::TempDir dir;
  Dataset ds = Dataset::create(dir.file("a.tmfdb"), "a");
  {
    DatasetWriter w(ds);
    ItemInput in;
    in.external_id = "x";
    w.item(in);
  }
  EXPECT_EQ(ds.item_count(), 0);
  {
    DatasetWriter w(ds);
    ItemInput in;
    in.external_id = "x";
    w.item(in);
    w.commit();
  }
  EXPECT_EQ(ds.item_count(), 1);
}

TEST(Schema, BehaviorVocabularyIsPerDataset) {
  test::TempDir dir;
  Dataset ds = Dataset::create(dir.file("a.tmfdb"), "a");
  ds.set_behaviors({"dislike", "neutral", "like"}, "like");
  auto b = ds.behaviors();
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0].name, "dislike");
  EXPECT_EQ(b[2].name, "like");
  EXPECT_TRUE(b[2].is_target);
  EXPECT_EQ(ds.target_behavior().name, "like");
  EXPECT_THROW(ds.set_behaviors({"view", "buy"}, "buy"), Error);        // other target
  EXPECT_THROW(ds.set_behaviors({"a", "a"}, "a"), Error);                // duplicate
  EXPECT_THROW(ds.behavior_id("purchase"), Error);
  ds.set_behaviors({"dislike", "neutral", "like", "rewatch"}, "like");   // compatible extension
  EXPECT_EQ(ds.behaviors().size(), 4u);
}
