// `tmf bench quality` end to end with the built program on a small demo world: Table 2 in Markdown
// (best in bold, second underlined, rows per cell), CSV and JSON; a second invocation resumes from
// the runs stored in the dataset without training (but not for other settings); --redo trains
// again; bad options are refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli_run.h"

namespace fs = std::filesystem;

namespace {
using tmf::test::CliRun;
using tmf::test::run_tmf;
std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}
size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}
}  // namespace

TEST(BenchQualityCli, TableThenResumeThenRedo) {
  const fs::path dir = fs::temp_directory_path() / ("tmf_bench_cli_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string d = dir.string();
  CliRun gen = run_tmf("data generate --preset demo --world sports --items 80 --users 120 --out " + d + " --quiet");
  ASSERT_EQ(gen.rc, 0) << gen.out;
  const std::string ds = d + "/sports.tmfdb";
  const std::string quick = " --set gru4rec.epochs=3 --set gru4rec.patience=0 --set mbgcn.epochs=3 --set mbgcn.patience=0";
  const std::string cmd = "bench quality --dataset " + ds + " --work " + d + "/work --models gru4rec,mbgcn --seeds 2" +
                          quick + " --out " + d + "/t2";

  CliRun first = run_tmf(cmd);
  ASSERT_EQ(first.rc, 0) << first.out;
  EXPECT_EQ(count(first.out, ": training"), 4u) << first.out;  // 2 models x 2 seeds
  EXPECT_NE(first.out.find("| gru4rec |"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("| mbgcn |"), std::string::npos) << first.out;
  EXPECT_EQ(count(first.out, "**"), 2u) << first.out;  // one best per dataset
  EXPECT_NE(first.out.find("Test rows per seed: sports: "), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("Seeds: 2;"), std::string::npos) << first.out;

  const std::string csv = slurp(d + "/t2.csv");
  EXPECT_EQ(csv.rfind("dataset,model,seeds,rows,hr1_mean,", 0), 0u) << csv;
  EXPECT_EQ(count(csv, "\n"), 3u) << csv;  // header + 2 rows
  auto js = nlohmann::json::parse(slurp(d + "/t2.json"));
  ASSERT_EQ(js.at("rows").size(), 2u);
  for (const auto& r : js.at("rows")) {
    EXPECT_EQ(r.at("hr1").size(), 2u);
    EXPECT_GT(r.at("rows").get<int64_t>(), 0);
    const double hr = r.at("hr1_mean").get<double>();
    EXPECT_GE(hr, 0.0);
    EXPECT_LE(hr, 1.0);
    EXPECT_DOUBLE_EQ(r.at("valid_ratio_mean").get<double>(), 1.0);  // ranking models always name a candidate
  }

  // Resumed: nothing is trained and the table is the same.
  CliRun again = run_tmf(cmd);
  ASSERT_EQ(again.rc, 0) << again.out;
  EXPECT_EQ(count(again.out, ": training"), 0u) << again.out;
  const auto table = [](const std::string& out) { return out.substr(out.find("| Model |"), out.find("Seeds:") - out.find("| Model |")); };
  EXPECT_EQ(table(again.out), table(first.out));

  // --redo trains one (model, seed) again.
  CliRun redo = run_tmf("bench quality --dataset " + ds + " --work " + d + "/work --models mbgcn --seed-list 1 --redo" + quick);
  ASSERT_EQ(redo.rc, 0) << redo.out;
  EXPECT_EQ(count(redo.out, ": training"), 1u) << redo.out;

  // Other settings are another experiment: trained, not taken from the stored runs.
  CliRun other = run_tmf("bench quality --dataset " + ds + " --work " + d + "/work --models gru4rec --seed-list 0" +
                         " --set gru4rec.epochs=2 --set gru4rec.patience=0");
  ASSERT_EQ(other.rc, 0) << other.out;
  EXPECT_EQ(count(other.out, ": training"), 1u) << other.out;

  // Bad options: a clear message and a non-zero exit status.
  CliRun bad_set = run_tmf("bench quality --dataset " + ds + " --models gru4rec --set gru4rec-epochs");
  EXPECT_NE(bad_set.rc, 0);
  EXPECT_NE(bad_set.out.find("--set expects kind.key=value"), std::string::npos) << bad_set.out;
  CliRun bad_model = run_tmf("bench quality --dataset " + ds + " --models gru4rec,nosuch --seeds 1");
  EXPECT_NE(bad_model.rc, 0);
  EXPECT_NE(bad_model.out.find("nosuch"), std::string::npos) << bad_model.out;
  fs::remove_all(dir);
}
