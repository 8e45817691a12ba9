// `tmf data import` loses nothing and duplicates nothing: a second import of the same content is
// refused unless --append, concurrent imports into one new path leave exactly one import, and a
// killed import into a new path leaves no file behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_run.h"
#include "data/dataset.h"
#include "test_util.h"

using namespace tmf;
namespace fs = std::filesystem;

namespace {
const std::string kInter =
    "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
    "1\t10\t5\t100\n1\t11\t3\t101\n2\t10\t1\t100\n2\t13\t4\t105\n";

int64_t events_of(const std::string& path) { return Dataset::open(path, /*read_only=*/true).event_count(); }

// `tmf data import` of a RecBole file, quietly, plus `extra` options.
test::CliRun cli_import(const std::string& input, const std::string& out, const std::string& extra = "") {
  return test::run_tmf("data import --format recbole --input " + input + " --out " + out + " --quiet" + extra);
}

// A temporary folder holding toy.inter, and the path of a dataset not yet made beside it.
struct Toy {
  test::TempDir dir;
  std::string inter = (dir.write("toy.inter", kInter), dir.file("toy.inter"));
  std::string ds = dir.file("d.tmfdb");
};

std::vector<std::string> leftovers(const std::string& dir);

// The dataset holds `events` events and no import temporaries are left beside it.
void expect_imported(const Toy& t, int64_t events) {
  EXPECT_EQ(events_of(t.ds), events);
  EXPECT_TRUE(leftovers(t.dir.path()).empty());
}

std::vector<std::string> leftovers(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".importing-") != std::string::npos) out.push_back(e.path().string());
  return out;
}
}  // namespace

TEST(ImportCli, SecondImportOfTheSameContentIsRefusedUnlessAppend) {
  Toy t;
  test::TempDir& dir = t.dir;
  const std::string &ds = t.ds, &in = t.inter;
  auto r = cli_import(in, ds);
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_EQ(events_of(ds), 4);
  r = cli_import(in, ds);
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_NE(r.out.find("already holds an import of this content"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--append"), std::string::npos) << r.out;
  EXPECT_EQ(events_of(ds), 4);
  // The same content under another name is the same import.
  dir.write("copy.inter", kInter);
  r = cli_import(dir.file("copy.inter"), ds);
  EXPECT_EQ(r.rc, 1) << r.out;
  r = cli_import(in, ds, " --append");
  ASSERT_EQ(r.rc, 0) << r.out;
  expect_imported(t, 8);
}

TEST(ImportCli, ConcurrentImportsIntoOneNewPathLeaveExactlyOne) {
  Toy t;
  std::string cmd = "cd " + t.dir.path() + " && for i in 1 2 3 4 5 6 7 8; do " + std::string(TMF_TOOL_DIR) +
                    "/tmf data import --format recbole --input toy.inter --out d.tmfdb --quiet > out$i.txt 2>&1 & done; wait; "
                    "grep -l '^dataset:' out*.txt | wc -l";
  auto r = test::run_command(cmd);
  ASSERT_EQ(r.rc, 0) << r.out;
  // One import created the file; the others either failed cleanly or (having started after it
  // existed) were refused as a repeat. Never doubled.
  EXPECT_EQ(std::stoi(r.out), 1) << r.out;
  expect_imported(t, 4);
}

TEST(ImportCli, KilledImportIntoANewPathLeavesNoFile) {
  Toy t;
  test::TempDir& dir = t.dir;
  std::string big = "user_id:token\titem_id:token\trating:float\ttimestamp:float\n";
  big.reserve(40u << 20);
  for (int i = 0; i < 1500000; ++i)
    big += std::to_string(i % 5000) + "\t" + std::to_string(i % 9000) + "\t5\t" + std::to_string(i) + "\n";
  dir.write("big.inter", big);
  const std::string& ds = t.ds;
  auto r = test::run_command("timeout -s KILL 0.5 " + std::string(TMF_TOOL_DIR) + "/tmf data import --format recbole --input " +
                             dir.file("big.inter") + " --out " + ds + " --quiet");
  if (r.rc == 0) GTEST_SKIP() << "the import finished within 0.5 s; nothing was killed";
  EXPECT_FALSE(fs::exists(ds)) << "a killed import left " << ds;
  // The next import into that path removes what killed imports left (their processes are gone; a
  // pid beyond the kernel's pid_max stands for one whenever the kill above came before the temporary).
  dir.write("d.tmfdb.importing-999999999", "left by a killed import");
  dir.write("d.tmfdb.importing-999999999-wal", "");
  r = cli_import(t.inter, ds);
  ASSERT_EQ(r.rc, 0) << r.out;
  expect_imported(t, 4);
}

// Numbers on the command line are range-checked, never wrapped: --negatives 4294967301 once
// stored 5 negatives and --lr nan trained a NaN package with exit status 0.
TEST(ImportCli, NumericOptionsAreRangeCheckedNotWrapped) {
  Toy t;
  ASSERT_EQ(cli_import(t.dir.file("toy.inter"), t.ds).rc, 0);
  struct Case {
    std::string args, says;
  };
  for (const Case& c : std::vector<Case>{
           {"data candidates --dataset " + t.ds + " --negatives 4294967301", "--negatives must be in [1, 100000]"},
           {"data split --dataset " + t.ds + " --history 4294967301", "--history must be in [1, 100000]"},
           {"data split --dataset " + t.ds + " --history -3", "--history must be in"},
           {"train --dataset " + t.ds + " --out " + t.dir.file("m") + " --lr nan", "--lr must be a finite number"},
           {"train --dataset " + t.ds + " --out " + t.dir.file("m") + " --lr -1", "--lr must be a finite number"},
           {"train --dataset " + t.ds + " --out " + t.dir.file("m") + " --steps -5", "--steps must be in [0, "},
       }) {
    auto r = test::run_tmf(c.args);
    EXPECT_NE(r.rc, 0) << c.args << "\n" << r.out;
    EXPECT_NE(r.out.find(c.says), std::string::npos) << c.args << "\n" << r.out;
  }
  EXPECT_FALSE(fs::exists(t.dir.file("m")));
}

// `data stats --json` once printed a dataset name holding '"' unescaped: invalid JSON.
TEST(ImportCli, StatsJsonEscapesNames) {
  Toy t;
  test::TempDir& dir = t.dir;
  const std::string& ds = t.ds;
  ASSERT_EQ(cli_import(dir.file("toy.inter"), ds, " --name 'say \"hi\"\\back'").rc, 0);
  auto r = test::run_tmf("data stats --json " + ds);
  ASSERT_EQ(r.rc, 0) << r.out;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["name"], "say \"hi\"\\back");
  EXPECT_EQ(j["events"], 4);
}
