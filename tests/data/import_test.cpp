#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "data/dataset_writer.h"
#include "data/image.h"
#include "data/importers/import.h"
#include "data/sqlite.h"
#include "test_util.h"
#include "util/error.h"

using namespace tmf;

namespace {
const std::string kInter =
    "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
    "1\t10\t5\t100\n"
    "1\t11\t3\t101\n"
    "1\t12\tfive\t102\n"      // malformed: rating
    "2\t10\t1\t100\n"
    "2\t13\t4\n"              // malformed: field count
    "2\t13\t4\t105\n"
    "\n"
    "3\t11\t9\t100\n";        // malformed: outside the mapping
const std::string kItem =
    "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
    "10\tToy Story\t1995\tAnimation Children's Comedy\n"
    "11\tHeat\t1995\tAction Crime\n"
    "12\tHeat\t1986\tAction\n"
    "13\tFargo\t1996\tCrime Drama\n";

// Generic import of DIR/FILE with columns u, i, b (and t unless the time format is "index"),
// behaviors view and purchase.
GenericOptions view_purchase_events(const test::TempDir& dir, const std::string& file, const std::string& time_format) {
  GenericOptions o;
  o.events_path = dir.file(file);
  o.event_map = parse_mapping(time_format == "index" ? "user=u,item=i,behavior=b" : "user=u,item=i,behavior=b,time=t", "map");
  o.time_format = time_format;
  o.behaviors = {"view", "purchase"};
  o.target = "purchase";
  return o;
}

std::string reason_at(const ImportReport& r, int64_t line) {
  for (auto& m : r.malformed)
    if (m.line == line) return m.reason;
  return "";
}
}  // namespace

TEST(ImportRecbole, SmallFileWithMalformedRows) {
  test::TempDir dir;
  dir.write("toy.inter", kInter);
  dir.write("toy.item", kItem);
  Dataset ds = Dataset::create(dir.file("d.tmfdb"), "toy");
  ImportReport r = import_recbole(ds, dir.path(), RecboleOptions{}, {});
  EXPECT_EQ(r.events_added, 4);
  EXPECT_EQ(r.malformed_count, 3);
  EXPECT_NE(reason_at(r, 4).find("rating 'five'"), std::string::npos) << reason_at(r, 4);
  EXPECT_NE(reason_at(r, 6).find("expected 4 fields, found 3"), std::string::npos);
  EXPECT_NE(reason_at(r, 9).find("outside the rating mapping"), std::string::npos);
  EXPECT_EQ(ds.user_count(), 2);
  ASSERT_EQ(ds.behaviors().size(), 3u);
  EXPECT_EQ(ds.target_behavior().name, "like");
  auto id = ds.find_item("12");
  ASSERT_TRUE(id);
  EXPECT_EQ(ds.item(*id).name, "Heat (1986)");
  EXPECT_EQ(ds.item(*ds.find_item("10")).categories, "Animation|Children's|Comedy");
  auto ev = ds.user_events(ds.user_ids()[0]);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].behavior_id, ds.behavior_id("like"));
  EXPECT_EQ(ev[1].behavior_id, ds.behavior_id("neutral"));
  EXPECT_NE(r.summary().find("line 4"), std::string::npos);
}

TEST(ImportRecbole, CustomMappingAndWrongFormat) {
  test::TempDir dir;
  dir.write("toy.inter", kInter);
  Dataset ds = Dataset::create(dir.file("d.tmfdb"), "toy");
  RecboleOptions o;
  o.mapping = RatingMapping::parse("1-3:skip,4-9:buy", "buy");
  ImportReport r = import_recbole(ds, dir.file("toy.inter"), o, {});
  EXPECT_EQ(r.events_added, 5);
  EXPECT_EQ(ds.behaviors()[1].name, "buy");
  EXPECT_THROW(RatingMapping::parse("1-2:a", "b"), Error);
  EXPECT_THROW(RatingMapping::parse("x:a", "a"), Error);

  dir.write("bad.inter", "1,10,5,100\n2,11,4,101\n");
  Dataset ds2 = Dataset::create(dir.file("d2.tmfdb"), "bad");
  try {
    import_recbole(ds2, dir.file("bad.inter"), RecboleOptions{}, {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("expected RecBole atomic format"), std::string::npos) << e.what();
  }
  EXPECT_EQ(ds2.event_count(), 0);
  EXPECT_EQ(ds2.behaviors().size(), 0u);
}

TEST(ImportRecbole, MovieLens100kCompletely) {
  test::TempDir dir;
  Dataset ds = Dataset::create(dir.file("ml.tmfdb"), "ml-100k");
  ImportReport r = import_recbole(ds, std::string(TMF_SHARED_DIR) + "/datasets/ml-100k", RecboleOptions{}, {});
  EXPECT_EQ(r.malformed_count, 0) << r.summary();
  EXPECT_EQ(ds.event_count(), 100000);
  EXPECT_EQ(ds.user_count(), 943);
  EXPECT_EQ(ds.item_count(), 1682);
  int64_t titled = ds.db().scalar_int("SELECT count(*) FROM items WHERE name NOT LIKE 'item %'");
  int64_t with_year = ds.db().scalar_int("SELECT count(*) FROM items WHERE json_extract(attrs, '$.year') IS NOT NULL");
  int64_t with_genres = ds.db().scalar_int("SELECT count(*) FROM items WHERE categories <> ''");
  EXPECT_EQ(titled, 1682);
  EXPECT_GE(with_year, 1680);
  EXPECT_EQ(with_genres, 1682);
  int64_t distinct_names = ds.db().scalar_int("SELECT count(DISTINCT name) FROM items");
  EXPECT_EQ(distinct_names, 1682);  // unique names: answers can be matched
  auto like = ds.db().prepare("SELECT count(*) FROM events e JOIN behaviors b ON b.id = e.behavior_id WHERE b.name = 'like'");
  ASSERT_TRUE(like.step());
  EXPECT_EQ(like.col_int(0), 55375);  // ratings 4 and 5 in ML-100K
}

TEST(ImportRetailrocket, EventsWithMalformedRows) {
  test::TempDir dir;
  dir.write("events.csv",
            "timestamp,visitorid,event,itemid,transactionid\n"
            "1433221332117,257597,view,355908,\n"
            "1433224214164,992329,view,248676,\n"
            "1433221999827,111016,addtocart,355908,\n"
            "1433222276276,111016,transaction,355908,4000\n"
            "1433222276276,111016,wishlist,355908,\n"
            "notatime,111016,view,355908,\n"
            "1433222276276,111016,transaction,355908,\n");
  Dataset ds = Dataset::create(dir.file("rr.tmfdb"), "rr");
  ImportReport r = import_retailrocket(ds, dir.file("events.csv"), {});
  EXPECT_EQ(r.events_added, 4);
  EXPECT_EQ(r.malformed_count, 3);
  EXPECT_NE(reason_at(r, 6).find("unknown event 'wishlist'"), std::string::npos);
  EXPECT_NE(reason_at(r, 7).find("timestamp"), std::string::npos);
  EXPECT_NE(reason_at(r, 8).find("transactionid"), std::string::npos);
  EXPECT_EQ(ds.user_count(), 3);
  EXPECT_EQ(ds.item_count(), 2);
  EXPECT_EQ(ds.target_behavior().name, "purchase");
  auto uq = ds.db().prepare("SELECT id FROM users WHERE external_id = '111016'");
  ASSERT_TRUE(uq.step());
  auto ev = ds.user_events(uq.col_int(0));
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].ts, 1433221999);

  dir.write("wrong.csv", "user,item,behavior\n1,2,view\n");
  Dataset ds2 = Dataset::create(dir.file("w.tmfdb"), "w");
  try {
    import_retailrocket(ds2, dir.file("wrong.csv"), {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Retailrocket"), std::string::npos) << e.what();
  }
}

TEST(ImportTaobao, RowsAndWrongFormat) {
  test::TempDir dir;
  dir.write("ub.csv",
            "1,2268318,2520377,pv,1511544070\n"
            "1,2333346,2520771,cart,1511561733\n"
            "1,2576651,149192,buy,1511572885\n"
            "1,3830808,4181361,like,1511593493\n"
            "2,4365585,2520377,fav,1511596146\n"
            "2,abc,2520377,pv,1511596146\n");
  Dataset ds = Dataset::create(dir.file("tb.tmfdb"), "tb");
  ImportReport r = import_taobao(ds, dir.file("ub.csv"), {});
  EXPECT_EQ(r.events_added, 4);
  EXPECT_EQ(r.malformed_count, 2);
  EXPECT_NE(reason_at(r, 4).find("unknown behavior 'like'"), std::string::npos);
  EXPECT_EQ(ds.behaviors().size(), 4u);
  EXPECT_EQ(ds.item(*ds.find_item("2268318")).categories, "category 2520377");

  dir.write("header.csv", "user_id,item_id,category_id,behavior_type,timestamp\n1,2,3,pv,4\n");
  Dataset ds2 = Dataset::create(dir.file("t2.tmfdb"), "t2");
  try {
    import_taobao(ds2, dir.file("header.csv"), {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("expected Taobao UserBehavior.csv"), std::string::npos) << e.what();
  }
  EXPECT_EQ(ds2.event_count(), 0);
}

TEST(ImportGeneric, CsvEventsAndCatalogWithImages) {
  test::TempDir dir;
  RgbImage img;
  img.width = img.height = 4;
  img.rgb.assign(48, 200);
  auto png = encode_png(img);
  dir.write("shirt.png", std::string(png.begin(), png.end()));
  dir.write("broken.png", "\x89PNG\r\n\x1a\nnot really");
  dir.write("catalog.csv",
            "sku,name,maker,cats,about,picture\n"
            "A1,\"Shirt, blue\",Acme,Clothing>Shirts,\"A shirt\nwith two lines\",shirt.png\n"
            "A2,Mug,Acme,Home>Kitchen,,\n"
            "A3,Broken,Acme,Home,,broken.png\n");
  dir.write("events.csv",
            "customer,sku,action,when\n"
            "c1,A1,view,2024-01-01T10:00:00\n"
            "c1,A2,basket,2024-01-01T10:05:00\n"
            "c1,A1,purchase,2024-01-02\n"
            "c2,A2,teleport,2024-01-02\n"
            "c2,A2,view,yesterday\n");
  Dataset ds = Dataset::create(dir.file("g.tmfdb"), "g");
  GenericOptions o;
  o.events_path = dir.file("events.csv");
  o.event_map = parse_mapping("user=customer,item=sku,behavior=action,time=when", "map");
  o.time_format = "iso8601";
  o.behaviors = {"view", "add to cart", "purchase"};
  o.target = "purchase";
  o.behavior_aliases = {{"basket", "add to cart"}};
  o.catalog_path = dir.file("catalog.csv");
  o.catalog_map = parse_mapping("id=sku,title=name,brand=maker,categories=cats,description=about,image=picture", "catalog");
  o.categories_sep = ">";
  ImportReport r = import_generic(ds, o, {});
  EXPECT_EQ(r.events_added, 3);
  EXPECT_EQ(r.malformed_count, 3) << r.summary();  // broken image, teleport, yesterday
  Item a1 = ds.item(*ds.find_item("A1"));
  EXPECT_EQ(a1.name, "Shirt, blue");
  EXPECT_EQ(a1.categories, "Clothing|Shirts");
  EXPECT_EQ(a1.description, "A shirt\nwith two lines");
  EXPECT_EQ(a1.image_format, "png");
  EXPECT_EQ(ds.item_image(a1.id), png);
  auto ev = ds.user_events(ds.user_ids()[0]);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].ts, 1704103200);
  EXPECT_EQ(ev[1].behavior_id, ds.behavior_id("add to cart"));

  o.event_map["user"] = "client";
  Dataset ds2 = Dataset::create(dir.file("g2.tmfdb"), "g2");
  EXPECT_THROW(import_generic(ds2, o, {}), Error);  // column missing: fails at once
}

TEST(ImportGeneric, JsonLines) {
  test::TempDir dir;
  dir.write("ev.jsonl",
            "{\"u\": \"x\", \"i\": \"p1\", \"b\": \"view\", \"t\": 10}\n"
            "{\"u\": \"x\", \"i\": \"p2\", \"b\": \"purchase\", \"t\": 11}\n"
            "{broken json\n"
            "[1, 2]\n");
  Dataset ds = Dataset::create(dir.file("j.tmfdb"), "j");
  GenericOptions o;
  o.events_path = dir.file("ev.jsonl");
  o.event_map = parse_mapping("user=u,item=i,behavior=b,time=t", "map");
  o.behaviors = {"view", "purchase"};
  o.target = "purchase";
  ImportReport r = import_generic(ds, o, {});
  EXPECT_EQ(r.events_added, 2);
  EXPECT_EQ(r.malformed_count, 2);
  EXPECT_NE(reason_at(r, 3).find("invalid JSON"), std::string::npos);

  dir.write("notjson.jsonl", "user,item\n1,2\n");
  o.events_path = dir.file("notjson.jsonl");
  Dataset ds2 = Dataset::create(dir.file("j2.tmfdb"), "j2");
  EXPECT_THROW(import_generic(ds2, o, {}), Error);
}

// An import that is cancelled midway, or fails, leaves the dataset as it was.
TEST(ImportAtomicity, CancelLeavesDatasetUnchanged) {
  test::TempDir dir;
  dir.write("toy.inter", kInter);
  dir.write("toy.item", kItem);
  Dataset ds = Dataset::create(dir.file("d.tmfdb"), "toy");
  import_recbole(ds, dir.path(), RecboleOptions{}, {});
  const std::string before = ds.content_hash();

  std::string big = "user_id:token\titem_id:token\trating:float\ttimestamp:float\n";
  for (int i = 0; i < 20000; ++i) big += std::to_string(100 + i % 50) + "\t" + std::to_string(i % 300) + "\t4\t" + std::to_string(i) + "\n";
  dir.write("big/big.inter", "");
  std::filesystem::create_directories(dir.file("big"));
  dir.write("big/big.inter", big);
  std::atomic<bool> cancel{false};
  Progress p;
  p.cancel = &cancel;
  p.callback = [&](const ProgressEvent&) { cancel = true; };
  EXPECT_THROW(import_recbole(ds, dir.file("big"), RecboleOptions{}, p), Cancelled);
  EXPECT_EQ(ds.content_hash(), before);
}

// A process killed in the middle of an import: SQLite's journal restores the file.
TEST(ImportAtomicity, KilledProcessLeavesDatasetUnchanged) {
  test::TempDir dir;
  dir.write("toy.inter", kInter);
  const std::string path = dir.file("d.tmfdb");
  std::string before;
  {
    Dataset ds = Dataset::create(path, "toy");
    import_recbole(ds, dir.file("toy.inter"), RecboleOptions{}, {});
    before = ds.content_hash();
  }
  std::filesystem::create_directories(dir.file("big"));
  std::string big = "user_id:token\titem_id:token\trating:float\ttimestamp:float\n";
  for (int i = 0; i < 30000; ++i) big += std::to_string(i % 700) + "\t" + std::to_string(i % 900) + "\t5\t" + std::to_string(i) + "\n";
  dir.write("big/big.inter", big);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    Dataset ds = Dataset::open(path);
    Progress p;
    int calls = 0;
    p.callback = [&](const ProgressEvent&) {
      if (++calls == 3) ::kill(::getpid(), SIGKILL);  // mid-transaction, rows already written
    };
    import_recbole(ds, dir.file("big"), RecboleOptions{}, p);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  Dataset ds = Dataset::open(path);
  auto st = ds.db().prepare("PRAGMA integrity_check");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.col_text(0), "ok");
  EXPECT_EQ(ds.content_hash(), before);
  EXPECT_EQ(ds.event_count(), 4);
}

// ISO 8601 times are taken as written: offsets applied, impossible dates and offsets refused
// (2023-02-30 once became March 2, +25:00 was read as Z), an unknown --time-format refused at once
// (it once gave an empty dataset and exit status 0).
TEST(ImportGeneric, TimesAreCheckedStrictly) {
  test::TempDir dir;
  dir.write("events.csv",
            "u,i,b,t\n"
            "c1,A1,view,2024-01-01T12:00:00+02:00\n"
            "c1,A2,view,2024-01-01T10:00:01.250Z\n"
            "c1,A3,purchase,2024-01-01 10:00:02 +0000\n"  // a space before the offset: not ISO 8601
            "c2,A1,view,2023-02-30\n"
            "c2,A2,view,2024-01-01T10:00:00+25:00\n"
            "c2,A3,purchase,2024-01-01T10:00:00 tomorrow\n");
  GenericOptions o = view_purchase_events(dir, "events.csv", "iso8601");
  {
    Dataset ds = Dataset::create(dir.file("t.tmfdb"), "t");
    ImportReport r = import_generic(ds, o, {});
    EXPECT_EQ(r.events_added, 2) << r.summary();
    EXPECT_EQ(r.malformed_count, 4) << r.summary();
    ASSERT_EQ(ds.user_ids().size(), 1u);  // c2 has no valid event
    auto ev = ds.user_events(ds.user_ids()[0]);
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0].ts, 1704103200);  // 12:00 at +02:00 is 10:00Z
    EXPECT_EQ(ev[1].ts, 1704103201);
  }
  o.time_format = "iso";
  Dataset ds2 = Dataset::create(dir.file("t2.tmfdb"), "t2");
  try {
    import_generic(ds2, o, {});
    ADD_FAILURE() << "an unknown time format was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown --time-format 'iso'"), std::string::npos) << e.what();
  }
}

// Issue 19 item 12: NUL bytes and invalid UTF-8 never reach the stored ids and names; each such row
// is reported with its line, and the rows around it are kept.
TEST(ImportGeneric, NulBytesAndInvalidUtf8AreMalformedRows) {
  test::TempDir dir;
  dir.write("events.csv", std::string("u,i,b\nc1,A1,view\nc1,A") + '\0' + "2,view\n" +
                              "c\xC3(,A3,view\n"  // a lead byte without its continuation
                              "c\xED\xA0\x80,A3,view\n"  // an encoded surrogate
                              "c2,Caf\xC3\xA9,purchase\n");
  GenericOptions o = view_purchase_events(dir, "events.csv", "index");
  Dataset ds = Dataset::create(dir.file("t.tmfdb"), "t");
  ImportReport r = import_generic(ds, o, {});
  EXPECT_EQ(r.events_added, 2) << r.summary();
  EXPECT_EQ(r.malformed_count, 3) << r.summary();
  EXPECT_NE(reason_at(r, 3).find("NUL byte"), std::string::npos) << r.summary();
  EXPECT_NE(reason_at(r, 4).find("invalid UTF-8"), std::string::npos) << r.summary();
  EXPECT_NE(reason_at(r, 5).find("invalid UTF-8"), std::string::npos) << r.summary();
  EXPECT_TRUE(ds.find_item("Caf\xC3\xA9"));
}

TEST(ImportRecbole, InvalidTextRowsAreMalformed) {
  test::TempDir dir;
  dir.write("toy.inter", "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
                         "1\t10\t5\t100\n"
                         "1\t1\xFF\t5\t101\n"
                         "2\t10\t4\t102\n");
  Dataset ds = Dataset::create(dir.file("d.tmfdb"), "toy");
  ImportReport r = import_recbole(ds, dir.path(), RecboleOptions{}, {});
  EXPECT_EQ(r.events_added, 2) << r.summary();
  EXPECT_NE(reason_at(r, 3).find("invalid UTF-8"), std::string::npos) << r.summary();
}

// An unbalanced quote is reported at the line that opened it, and the rows after it are imported.
TEST(ImportGeneric, UnbalancedQuoteIsReportedWhereItOpensAndSwallowsNothing) {
  test::TempDir dir;
  dir.write("events.csv",
            "u,i,b\n"
            "c1,A1,view\n"
            "c1,\"A2,view\n"  // never closed
            "c1,A3,view\n"
            "c2,\"A multi\nline id\",view\n"  // a legal quoted newline
            "c2,A4,purchase\n");
  GenericOptions o = view_purchase_events(dir, "events.csv", "index");
  Dataset ds = Dataset::create(dir.file("t.tmfdb"), "t");
  ImportReport r = import_generic(ds, o, {});
  EXPECT_EQ(r.malformed_count, 1) << r.summary();
  EXPECT_NE(reason_at(r, 3).find("unbalanced quote"), std::string::npos) << r.summary();
  EXPECT_EQ(r.events_added, 4) << r.summary();
  EXPECT_TRUE(ds.find_item("A3"));
  EXPECT_TRUE(ds.find_item("A multi\nline id"));
  // A quote still open at the end of the file: reported where it opened, the rows after it kept.
  dir.write("tail.csv", "u,i,b\nc1,A1,view\nc1,\"A2,view\nc1,A3,view\nc2,A4,purchase\n");
  o.events_path = dir.file("tail.csv");
  Dataset ds2 = Dataset::create(dir.file("t2.tmfdb"), "t2");
  ImportReport r2 = import_generic(ds2, o, {});
  EXPECT_EQ(r2.malformed_count, 1) << r2.summary();
  EXPECT_NE(reason_at(r2, 3).find("never closed"), std::string::npos) << r2.summary();
  EXPECT_EQ(r2.events_added, 3) << r2.summary();
}
