// `tmf rate` end to end with the built program: a demo world, a tiny trained TMF package and a CSV
// source; create, stats (JSON), export, import with a conflict. The one slow test of the area
// (trains a tiny model, well under a minute).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "cli_run.h"
#include "data/candidates.h"
#include "rating/rater_session.h"
#include "rating/rating_study.h"
#include "rating_fixture.h"
#include "util/strings.h"

using namespace tmf;

namespace {
using test::CliRun;
using test::run_tmf;
}  // namespace

TEST(RatingCli, CreateWithTmfAndCsvSourcesThenStatsExportImport) {
  rating_test::TempDir dir;
  const std::string d = dir.path();
  CliRun gen = run_tmf("data generate --preset demo --world pets --items 60 --users 40 --out " + d + " --quiet");
  ASSERT_EQ(gen.rc, 0) << gen.out;
  const std::string ds_path = d + "/pets.tmfdb";
  CliRun train = run_tmf("train --dataset " + ds_path + " --out " + d + "/model --size tiny --device cpu");
  ASSERT_EQ(train.rc, 0) << train.out;
  {  // a CSV source made "elsewhere": the truth of every test row
    Dataset ds = Dataset::open(ds_path);
    std::string csv = "user,item\n";
    for (auto& c : load_candidates(ds, candidate_set_id(ds, "default", "default"), "test"))
      csv += ds.user_external_id(c.user_id) + "," + ds.item(c.truth()).external_id + "\n";
    dir.write("oracle.csv", csv);
  }
  CliRun create = run_tmf("rate create --dataset " + ds_path + " --name human --sequences 8 --seed 3 --raters ann,bob " +
                       "--tmf TMF=" + d + "/model --csv Oracle=" + d + "/oracle.csv");
  ASSERT_EQ(create.rc, 0) << create.out;
  EXPECT_NE(create.out.find("8 sequences"), std::string::npos) << create.out;
  {
    Dataset ds = Dataset::open(ds_path);
    auto st = find_study(ds, "human");
    auto sources = study_sources(ds, st.id);
    ASSERT_EQ(sources.size(), 2u);
    EXPECT_EQ(sources[0].kind, "tmf");
    EXPECT_EQ(sources[0].recommendations, 8);  // constrained decoding: always a candidate
    // Every TMF recommendation is one of that user's stored candidates.
    std::map<int64_t, CandidateRow> cands;
    for (auto& c : load_candidates(ds, candidate_set_id(ds, "default", "default"), "test")) cands[c.row_id] = c;
    std::map<int64_t, int64_t> row_of;
    for (auto& q : study_sequences(ds, st.id)) row_of[q.id] = q.split_row_id;
    for (auto& r : source_recommendations(ds, sources[0].id)) {
      auto& items = cands.at(row_of.at(r.sequence_id)).items;
      EXPECT_NE(std::find(items.begin(), items.end(), r.item_id), items.end());
    }
  }
  for (const char* rater : {"ann", "bob"}) {
    RaterSession s(ds_path, "human", rater);
    for (int i = 0; i < s.size(); ++i) s.rate(i, rater[0] == 'a' ? 4 : 5);
  }
  CliRun stats = run_tmf("rate stats --dataset " + ds_path + " --study human --json");
  ASSERT_EQ(stats.rc, 0) << stats.out;
  auto j = nlohmann::json::parse(stats.out);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["source"], "TMF");
  EXPECT_EQ(j[0]["ratings"], 16);
  EXPECT_DOUBLE_EQ(j[0]["average"].get<double>(), 4.5);
  CliRun table = run_tmf("rate stats --dataset " + ds_path + " --study human");
  EXPECT_NE(table.out.find("Oracle"), std::string::npos) << table.out;

  CliRun exp = run_tmf("rate export --dataset " + ds_path + " --study human --ratings " + d + "/r.csv --stats " + d +
                    "/t4.json");
  ASSERT_EQ(exp.rc, 0) << exp.out;
  std::string ratings = read_file(d + "/r.csv");
  EXPECT_NE(ratings.find("dataset,rater,user,item,score"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(read_file(d + "/t4.json")).size(), 2u);
  // The same sheet with ann's scores changed to 1: every changed row is a reported conflict.
  std::string changed;
  for (auto line : split(ratings, '\n')) {
    std::string l(line);
    if (l.find(",ann,") != std::string::npos) l.replace(l.find(",4,"), 3, ",1,");
    if (!l.empty()) changed += l + "\n";
  }
  dir.write("changed.csv", changed);
  CliRun imp = run_tmf("rate import --dataset " + ds_path + " --study human --csv " + d + "/changed.csv");
  EXPECT_EQ(imp.rc, 3) << imp.out;
  EXPECT_NE(imp.out.find("stored 4, file 1 (stored value kept)"), std::string::npos) << imp.out;
  CliRun bad = run_tmf("rate stats --dataset " + ds_path + " --study nope");
  EXPECT_EQ(bad.rc, 1);
  EXPECT_NE(bad.out.find("no rating study 'nope'"), std::string::npos) << bad.out;
}
