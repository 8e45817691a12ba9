// Rating studies: seeded sampling, sources, deduplicated blinded tasks, per-rater order, stats
// credited to every source, and CSV/JSON interchange with conflict reports.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "data/sqlite.h"
#include "rating/rater_session.h"
#include "rating/rating_csv.h"
#include "rating/rating_stats.h"
#include "rating/rating_study.h"
#include "rating_fixture.h"
#include "util/error.h"

using namespace tmf;
using namespace tmf::rating_test;

TEST(RatingStudy, SamplingIsSeededAndBounded) {
  TempDir dir;
  Dataset ds = Dataset::open(make_rating_dataset(dir.file("a.tmfdb")));
  RatingStudySpec s;
  s.name = "one";
  s.n_sequences = 10;
  s.seed = 3;
  create_study(ds, s);
  s.name = "two";
  create_study(ds, s);
  s.name = "three";
  s.seed = 4;
  create_study(ds, s);
  auto users = [&](const std::string& n) {
    std::vector<int64_t> u;
    for (auto& q : study_sequences(ds, find_study(ds, n).id)) u.push_back(q.user_id);
    return u;
  };
  EXPECT_EQ(users("one").size(), 10u);
  EXPECT_EQ(users("one"), users("two"));
  EXPECT_NE(users("one"), users("three"));
  const auto one = users("one");
  EXPECT_EQ(std::set<int64_t>(one.begin(), one.end()).size(), 10u);
  s.name = "all";
  s.n_sequences = 100;  // the default; the dataset has 24 test rows
  create_study(ds, s);
  EXPECT_EQ(find_study(ds, "all").sampled, 24);
  EXPECT_EQ(find_study(ds, "all").n_sequences, 100);
  EXPECT_THROW(create_study(ds, s), Error);  // name taken
  s.name = "bad";
  s.split = "nope";
  EXPECT_THROW(create_study(ds, s), Error);
  try {
    find_study(ds, "missing");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'all'"), std::string::npos) << e.what();
  }
}

TEST(RatingStudy, SourcesAreValidated) {
  TempDir dir;
  Dataset ds = Dataset::open(make_rating_dataset(dir.file("a.tmfdb")));
  const int64_t id = make_study(ds, 6, {"r1"});
  auto seqs = study_sequences(ds, id);
  EXPECT_THROW(add_source(ds, id, kSourceA, "tmf", "", {{seqs[0].id, 1}}), Error);  // exists
  EXPECT_THROW(add_source(ds, id, "x", "csv", "", {{999999, 1}}), Error);           // not in study
  EXPECT_THROW(add_source(ds, id, "x", "csv", "", {{seqs[0].id, 1}, {seqs[0].id, 2}}), Error);
  EXPECT_THROW(add_source(ds, id, "x", "csv", "", {{seqs[0].id, 99999}}), Error);  // unknown item
  EXPECT_EQ(study_sources(ds, id).size(), 2u);
  add_source(ds, id, kSourceA, "tmf", "", {{seqs[0].id, 1}}, /*replace=*/true);
  EXPECT_EQ(study_sources(ds, id)[1].name, kSourceA);
  EXPECT_EQ(study_sources(ds, id)[1].recommendations, 1);
}

TEST(RatingStudy, IdenticalRecommendationsAreOneTaskCreditedToBoth) {
  TempDir dir;
  const std::string path = make_rating_dataset(dir.file("a.tmfdb"));
  int64_t id = 0;
  {
    Dataset ds = Dataset::open(path);
    id = make_study(ds, 8, {"ann", "bob"});
  }
  RaterSession ann(path, "s", "ann");
  EXPECT_EQ(ann.size(), 8 + 4);  // 4 of 8 sequences have the same item from both sources
  std::set<std::pair<int64_t, int64_t>> distinct;
  for (int i = 0; i < ann.size(); ++i) distinct.insert({ann.task(i).sequence_id, ann.task(i).item_id});
  EXPECT_EQ(distinct.size(), size_t(ann.size()));
  for (int i = 0; i < ann.size(); ++i) ann.rate(i, 5);
  Dataset ds = Dataset::open(path);
  auto st = rating_stats(ds, "s");
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[0].source, kSourceA);
  EXPECT_EQ(st[0].ratings, 8);  // every recommendation of each source is credited
  EXPECT_EQ(st[1].ratings, 8);
  EXPECT_EQ(st[0].counts[4], 8);
  EXPECT_DOUBLE_EQ(st[0].mean, 5.0);
  EXPECT_FALSE(st[0].kappa.defined);
  EXPECT_NE(st[0].kappa_note.find("at least 2 raters"), std::string::npos);
  (void)id;
}

TEST(RatingStudy, EachRaterHasAnIndependentStableOrder) {
  TempDir dir;
  const std::string path = make_rating_dataset(dir.file("a.tmfdb"));
  Dataset ds = Dataset::open(path);
  const int64_t id = make_study(ds, 20, {"ann", "bob"});
  auto a1 = rater_order(ds, id, "ann"), a2 = rater_order(ds, id, "ann"), b = rater_order(ds, id, "bob");
  EXPECT_EQ(a1, a2);
  EXPECT_NE(a1, b);
  using Tasks = std::set<std::pair<int64_t, int64_t>>;
  EXPECT_EQ(Tasks(a1.begin(), a1.end()), Tasks(b.begin(), b.end()));
  EXPECT_THROW(RaterSession(path, "s", "nobody"), Error);
}

// Issue 19 item 12: a rater name is text; a NUL byte or invalid UTF-8 is refused, not stored.
TEST(RatingStudy, RaterNamesMustBeText) {
  TempDir dir;
  const std::string path = make_rating_dataset(dir.file("a.tmfdb"));
  Dataset ds = Dataset::open(path);
  const int64_t id = make_study(ds, 4, {"ann"});
  EXPECT_THROW(add_rater(ds, id, std::string("eve\0x", 5)), Error);
  EXPECT_THROW(add_rater(ds, id, "eve\xFF"), Error);
  EXPECT_EQ(study_raters(ds, id).size(), 1u);
  EXPECT_GT(add_rater(ds, id, "Zo\xC3\xAB"), 0);  // UTF-8 is welcome
}

// Nothing a rater is handed names a source: every string reachable from a task is scanned.
TEST(RatingStudy, TasksCarryNoSourceInformation) {
  TempDir dir;
  const std::string path = make_rating_dataset(dir.file("a.tmfdb"));
  {
    Dataset ds = Dataset::open(path);
    make_study(ds, 10, {"ann"});
  }
  RaterSession s(path, "s", "ann");
  auto check = [](const std::string& text) {
    for (const char* bad : {kSourceA, kSourceB, kOriginA, "secret", "tmf", "baseline"})
      EXPECT_EQ(text.find(bad), std::string::npos) << "'" << text << "' contains '" << bad << "'";
  };
  auto check_item = [&](const Item& it) {
    for (auto* f : {&it.external_id, &it.name, &it.brand, &it.categories, &it.description, &it.attrs}) check(*f);
  };
  for (int i = 0; i < s.size(); ++i) {
    check_item(s.task(i).recommended);
    for (auto& h : s.task(i).history) {
      check_item(h.item);
      check(h.behavior);
    }
  }
  check(s.study());
  check(s.rater());
}

TEST(RatingStudy, SessionRatesSkipsAndResumes) {
  TempDir dir;
  const std::string path = make_rating_dataset(dir.file("a.tmfdb"));
  {
    Dataset ds = Dataset::open(path);
    make_study(ds, 4, {"ann"});
  }
  {
    RaterSession s(path, "s", "ann");
    ASSERT_EQ(s.size(), 6);
    EXPECT_EQ(s.resume_index(), 0);
    s.rate(0, 4);
    s.skip(1);
    s.rate(2, 2);
    EXPECT_THROW(s.rate(3, 6), Error);
    EXPECT_THROW(s.rate(3, 0), Error);
    EXPECT_THROW(s.rate(99, 3), Error);
    EXPECT_EQ(s.rated(), 2);
    EXPECT_EQ(s.skipped(), 1);
    EXPECT_EQ(s.resume_index(), 3);
    EXPECT_GE(s.task(0).history.size(), 1u);
    EXPECT_EQ(s.task(0).history.size(), s.task(0).history.size());
  }
  RaterSession s(path, "s", "ann");  // a new process resumes where the rater stopped
  EXPECT_EQ(s.score(0), 4);
  EXPECT_EQ(s.score(1), RaterSession::kSkipped);
  EXPECT_EQ(s.resume_index(), 3);
  s.rate(0, 1);  // change of mind: one row, new score
  s.skip(0);     // a skip never erases a score
  for (int i = 3; i < s.size(); ++i) s.rate(i, 3);
  EXPECT_EQ(s.resume_index(), 1);  // only the skipped one is left
  s.rate(1, 5);
  EXPECT_EQ(s.resume_index(), s.size());
  Dataset ds = Dataset::open(path);
  EXPECT_EQ(ds.db().scalar_int("SELECT count(*) FROM ratings"), 6);
  EXPECT_EQ(ds.db().scalar_int("SELECT score FROM ratings WHERE rater_id = 1 AND sequence_id = " +
                               std::to_string(s.task(0).sequence_id) + " AND item_id = " + std::to_string(s.task(0).item_id)),
            1);
}

// Three raters with fixed scores: stats and kappa equal the hand-built count table.
TEST(RatingStats, AverageDistributionAndKappa) {
  TempDir dir;
  const std::string path = make_rating_dataset(dir.file("a.tmfdb"));
  {
    Dataset ds = Dataset::open(path);
    make_study(ds, 6, {"r1", "r2", "r3"});
  }
  const char* raters[3] = {"r1", "r2", "r3"};
  for (int r = 0; r < 3; ++r) {
    RaterSession s(path, "s", raters[r]);
    for (int i = 0; i < s.size(); ++i) {
      // score depends on the task only (the item), plus disagreement of rater 3 on some
      const auto& t = s.task(i);
      int score = int(t.item_id % 5) + 1;
      if (r == 2 && t.sequence_id % 2 == 0) score = score == 5 ? 4 : score + 1;
      s.rate(i, score);
    }
  }
  Dataset ds = Dataset::open(path);
  auto st = rating_stats(ds, "s");
  ASSERT_EQ(st.size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    const int64_t src = study_sources(ds, find_study(ds, "s").id)[k].id;
    std::vector<std::vector<int>> table;
    std::array<int64_t, 5> counts{};
    int64_t sum = 0;
    for (auto& rec : source_recommendations(ds, src)) {
      std::vector<int> row(5, 0);
      for (int r = 0; r < 3; ++r) {
        int score = int(rec.item_id % 5) + 1;
        if (r == 2 && rec.sequence_id % 2 == 0) score = score == 5 ? 4 : score + 1;
        row[size_t(score - 1)]++;
        counts[size_t(score - 1)]++;
        sum += score;
      }
      table.push_back(row);
    }
    EXPECT_EQ(st[k].ratings, 18);
    EXPECT_EQ(st[k].counts, counts);
    EXPECT_NEAR(st[k].mean, double(sum) / 18, 1e-12);
    EXPECT_NEAR(st[k].shares[0] + st[k].shares[1] + st[k].shares[2] + st[k].shares[3] + st[k].shares[4], 1.0, 1e-12);
    EXPECT_EQ(st[k].raters, 3);
    EXPECT_EQ(st[k].kappa_subjects, 6);
    EXPECT_EQ(st[k].kappa_excluded, 0);
    FleissKappa want = fleiss_kappa(table);
    ASSERT_EQ(st[k].kappa.defined, want.defined);
    if (want.defined) {
      EXPECT_NEAR(st[k].kappa.kappa, want.kappa, 1e-12);
    }
  }
  std::string table4 = format_table4(st);
  EXPECT_NE(table4.find(kSourceA), std::string::npos);
  auto j = stats_json(st);
  EXPECT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["ratings"], 18);
  std::string csv = stats_csv(st);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
}

TEST(RatingStats, SubjectsMissingARaterLeaveKappa) {
  TempDir dir;
  const std::string path = make_rating_dataset(dir.file("a.tmfdb"));
  {
    Dataset ds = Dataset::open(path);
    make_study(ds, 6, {"r1", "r2"});
  }
  {
    RaterSession a(path, "s", "r1");
    for (int i = 0; i < a.size(); ++i) a.rate(i, (i % 5) + 1);
    RaterSession b(path, "s", "r2");
    b.rate(0, 3);  // r2 rated one task only
  }
  Dataset ds = Dataset::open(path);
  for (auto& s : rating_stats(ds, "s")) {
    EXPECT_EQ(s.kappa_subjects + s.kappa_excluded, s.recommendations);
    EXPECT_LE(s.kappa_subjects, 1);
  }
}

TEST(RatingCsv, ExportImportMergesAndReportsConflicts) {
  TempDir dir;
  const std::string path = make_rating_dataset(dir.file("a.tmfdb"));
  {
    Dataset ds = Dataset::open(path);
    make_study(ds, 4, {"ann"});
  }
  std::vector<std::pair<int64_t, int64_t>> tasks;
  {
    RaterSession s(path, "s", "ann");
    for (int i = 0; i < s.size(); ++i) {
      s.rate(i, 2);
      tasks.push_back({s.task(i).sequence_id, s.task(i).item_id});
    }
  }
  Dataset ds = Dataset::open(path);
  const std::string exported = ratings_csv(ds, "s");
  EXPECT_EQ(std::count(exported.begin(), exported.end(), '\n'), 1 + 6);
  EXPECT_NE(exported.find(kSourceA), std::string::npos);  // analysts' file names sources
  dir.write("same.csv", exported);
  auto same = import_ratings_csv(ds, "s", dir.file("same.csv"));
  EXPECT_EQ(same.unchanged, 6);
  EXPECT_EQ(same.added, 0);
  EXPECT_TRUE(same.conflicts.empty());

  // Another rater's sheet collected elsewhere, one conflicting row, bad rows.
  auto ext = [&](int64_t item) { return ds.item(item).external_id; };
  std::string user0;
  {
    auto q = study_sequences(ds, find_study(ds, "s").id);
    for (auto& x : q)
      if (x.id == tasks[0].first) user0 = ds.user_external_id(x.user_id);
  }
  std::string other = "rater,user,item,score\n";
  other += "carol," + user0 + "," + ext(tasks[0].second) + ",4\n";   // new rater: added
  other += "ann," + user0 + "," + ext(tasks[0].second) + ",5\n";     // conflict with stored 2
  other += "ann,nobody," + ext(tasks[0].second) + ",5\n";           // user not sampled
  other += "ann," + user0 + ",i-none,5\n";                           // unknown item
  other += "ann," + user0 + "," + ext(tasks[0].second) + ",9\n";     // bad score
  other += "dave," + user0 + "," + ext(tasks[0].second) + ",skip\n"; // a skip
  dir.write("other.csv", other);
  auto rep = import_ratings_csv(ds, "s", dir.file("other.csv"));
  EXPECT_EQ(rep.rows, 6);
  EXPECT_EQ(rep.added, 1);
  EXPECT_EQ(rep.skips, 1);
  EXPECT_EQ(rep.new_raters, 2);
  ASSERT_EQ(rep.conflicts.size(), 1u);
  EXPECT_EQ(rep.conflicts[0].line, 3);
  EXPECT_EQ(rep.conflicts[0].stored, 2);
  EXPECT_EQ(rep.conflicts[0].incoming, 5);
  EXPECT_FALSE(rep.conflicts[0].overwritten);
  ASSERT_EQ(rep.rejected.size(), 3u);
  EXPECT_NE(rep.rejected[0].find("line 4: user 'nobody'"), std::string::npos) << rep.rejected[0];
  EXPECT_NE(rep.summary().find("stored 2, file 5 (stored value kept)"), std::string::npos) << rep.summary();
  auto score_of_ann = [&] {
    return ds.db().scalar_int("SELECT r.score FROM ratings r JOIN rating_raters t ON t.id = r.rater_id WHERE t.name = "
                              "'ann' AND r.sequence_id = " + std::to_string(tasks[0].first) +
                              " AND r.item_id = " + std::to_string(tasks[0].second));
  };
  EXPECT_EQ(score_of_ann(), 2);
  auto again = import_ratings_csv(ds, "s", dir.file("other.csv"), /*overwrite=*/true);
  EXPECT_EQ(again.conflicts.size(), 1u);
  EXPECT_TRUE(again.conflicts[0].overwritten);
  EXPECT_EQ(score_of_ann(), 5);
  EXPECT_EQ(ds.db().scalar_int("SELECT count(*) FROM ratings"), 6 + 2);

  dir.write("bad.csv", "who,what\nx,y\n");
  EXPECT_THROW(import_ratings_csv(ds, "s", dir.file("bad.csv")), Error);
}

TEST(RatingCsv, RecommendationsFromCsv) {
  TempDir dir;
  Dataset ds = Dataset::open(make_rating_dataset(dir.file("a.tmfdb")));
  RatingStudySpec spec;
  spec.name = "c";
  spec.n_sequences = 5;
  const int64_t id = create_study(ds, spec);
  auto seqs = study_sequences(ds, id);
  std::string csv = "user,item,score\n";
  for (size_t i = 0; i + 1 < seqs.size(); ++i) csv += ds.user_external_id(seqs[i].user_id) + ",i" + std::to_string(i) + ",0.9\n";
  csv += "not-sampled-user,i3,0.1\n";
  dir.write("recs.csv", csv);
  auto r = read_recommendations_csv(ds, id, dir.file("recs.csv"));
  EXPECT_EQ(r.recs.size(), seqs.size() - 1);
  EXPECT_EQ(r.missing, 1);
  EXPECT_EQ(r.ignored_rows, 1);
  EXPECT_EQ(r.recs[0].item_id, *ds.find_item("i0"));
  dir.write("bad.csv", "user,item\n" + ds.user_external_id(seqs[0].user_id) + ",no-such-item\n");
  EXPECT_THROW(read_recommendations_csv(ds, id, dir.file("bad.csv")), Error);
  dir.write("nohdr.csv", "a,b\n");
  EXPECT_THROW(read_recommendations_csv(ds, id, dir.file("nohdr.csv")), Error);
}
