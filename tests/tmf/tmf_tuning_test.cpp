#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>

#include "eval/tmf_eval.h"
#include "llm/lora.h"
#include "train/tmf_tuning.h"
#include "util/error.h"

using namespace tmf;

namespace {
const std::string kFixture = std::string(TMF_SHARED_DIR) + "/fixtures/hf-tiny/llama";

struct Tiny {
  NameBook names;
  ItemFeatures feats;
  std::vector<SplitRow> rows;
  std::vector<int64_t> catalog;
  std::unordered_map<int64_t, std::vector<int64_t>> seen;
};

// 16 items; user u buys item (u + 1) % 16 after viewing u: the next item follows the last one.
Tiny make_tiny() {
  torch::manual_seed(0);
  Tiny t;
  for (int i = 0; i < 16; ++i) {
    t.names.items[i] = "item " + std::string(1, char('a' + i));
    t.feats.item_row[i] = i;
    t.catalog.push_back(i);
  }
  t.names.behaviors = {{1, "view"}, {2, "buy"}};
  t.feats.behavior_row = {{1, 0}, {2, 1}};
  t.feats.image = torch::randn({16, 8});
  t.feats.text = torch::randn({16, 8});
  t.feats.graph = torch::randn({16, 4});
  t.feats.behavior = torch::randn({2, 4});
  for (int u = 0; u < 16; ++u) {
    SplitRow r;
    r.user_id = u;
    r.part = "train";
    r.history = {Event{u * 10 + 1, u, u, 1, 1}};
    r.target_item_id = (u + 1) % 16;
    t.rows.push_back(r);
    t.seen[u] = {u};
  }
  return t;
}

TmfModel make_model(const Tiny& t, AblationLevel level) {
  Llama llm = load_llama(kFixture);
  LoraConfig lc;
  lc.r = 4;
  lc.alpha = 8;
  lc.target_modules = {"q_proj", "v_proj", "o_proj"};
  torch::manual_seed(1);
  add_lora(*llm, lc);
  return TmfModel(llm, Tokenizer::load(kFixture + "/tokenizer.model"), t.feats, t.names, level, 1);
}
}  // namespace

TEST(Tuning, LearningRateWarmsUpThenDecays) {
  TuneOptions o;
  o.steps = 100;
  o.lr = 1e-3;
  o.warmup_fraction = 0.1;
  EXPECT_NEAR(tuning_lr(o, 0), 1e-4, 1e-12);
  EXPECT_NEAR(tuning_lr(o, 9), 1e-3, 1e-12);
  EXPECT_LT(tuning_lr(o, 50), 1e-3);
  EXPECT_NEAR(tuning_lr(o, 99), 1e-5, 2e-6);
}

TEST(Tuning, CurriculumLossFallsDeterministicallyAndEvalRuns) {
  Tiny t = make_tiny();
  TuneOptions o;
  o.steps = 24;
  o.batch = 4;
  o.lr = 1e-2;
  o.negatives = 3;
  o.train_lm_head = true;
  o.seed = 5;
  TmfModel a = make_model(t, AblationLevel::Cma);
  TuneReport ra = tune_tmf(a, t.rows, t.catalog, t.seen, /*target_behavior=*/2, o);
  ASSERT_EQ(ra.losses.size(), 24u);
  double head = (ra.losses[0] + ra.losses[1] + ra.losses[2]) / 3;
  double tail = (ra.losses[21] + ra.losses[22] + ra.losses[23]) / 3;
  EXPECT_LT(tail, head * 0.7) << head << " -> " << tail;
  EXPECT_EQ(ra.tasks.front(), Task::Easy);   // p_m(0) = 0
  EXPECT_EQ(ra.tasks.back(), Task::Hard);    // p_h(T-1) close to 1
  // Same seed -> same losses (CPU).
  TmfModel b = make_model(t, AblationLevel::Cma);
  TuneReport rb = tune_tmf(b, t.rows, t.catalog, t.seen, 2, o);
  for (size_t i = 0; i < ra.losses.size(); ++i) EXPECT_DOUBLE_EQ(ra.losses[i], rb.losses[i]) << i;
  // A text-only model never leaves the easy task.
  TmfModel c = make_model(t, AblationLevel::Text);
  TuneReport rc = tune_tmf(c, t.rows, t.catalog, t.seen, 2, o);
  for (Task task : rc.tasks) EXPECT_EQ(task, Task::Easy);

  // Evaluation in the three modes on examples with known truths.
  std::vector<TmfExample> exs;
  for (int u = 0; u < 6; ++u) {
    TmfExample ex;
    ex.history_items = {u};
    ex.history_behaviors = {1};
    ex.target_behavior = 2;
    ex.candidates = {(u + 1) % 16, (u + 5) % 16, (u + 9) % 16};
    ex.truth = 0;
    exs.push_back(ex);
  }
  for (const char* mode : {"free", "constrained", "likelihood"}) {
    EvalOptions eo;
    eo.decode = parse_decode_mode(mode);
    eo.batch = 4;
    eo.max_new_tokens = 12;
    EvalResult r = evaluate_tmf(a, exs, eo);
    EXPECT_EQ(r.stats.n, 6) << mode;
    EXPECT_EQ(r.rows.size(), 6u);
    if (std::string(mode) != "free") {
      EXPECT_EQ(r.stats.valid_ratio(), 1.0) << mode;
    }
    EXPECT_LE(r.stats.n_hit, r.stats.n_valid);
  }
  EXPECT_THROW(parse_decode_mode("beam"), Error);
  for (DecodeMode m : {DecodeMode::Free, DecodeMode::Constrained, DecodeMode::Likelihood})
    EXPECT_EQ(parse_decode_mode(decode_mode_name(m)), m);
  EXPECT_EQ(parse_decode_modes(" constrained,free"), (std::vector<DecodeMode>{DecodeMode::Constrained, DecodeMode::Free}));
  EXPECT_THROW(parse_decode_modes("free,,likelihood"), Error);
  EXPECT_EQ(decode_mode_names(), (std::vector<std::string>{"free", "constrained", "likelihood"}));
}

// --- checkpoints ---------------------------------------------------------------------------------
// A run killed by SIGKILL (a child process: this test binary re-executed on the test below) resumes
// from its last checkpoint and ends with exactly the weights of an uninterrupted run.
namespace {
TuneOptions checkpoint_options(const std::string& path) {
  TuneOptions o;
  o.steps = 14;
  o.batch = 2;
  o.lr = 1e-2;
  o.negatives = 3;
  o.train_lm_head = true;
  o.seed = 9;
  o.checkpoint_path = path;
  o.checkpoint_every = 4;
  return o;
}
std::map<std::string, torch::Tensor> trained_weights(TmfModel& m) {
  std::map<std::string, torch::Tensor> out;
  for (auto& p : m.llm()->named_parameters())
    if (p.value().requires_grad()) out["llm." + p.key()] = p.value().detach().clone();
  for (auto& p : m.heads()->named_parameters()) out["heads." + p.key()] = p.value().detach().clone();
  return out;
}
}  // namespace

// Runs only as the child of the test below: tunes and SIGKILLs itself after step 10.
TEST(Tuning, KilledChild) {
  const char* dir = std::getenv("TMF_TUNE_KILL_DIR");
  if (!dir) GTEST_SKIP() << "runs only as the child of Tuning.CheckpointResumesAfterKill";
  Tiny t = make_tiny();
  TmfModel m = make_model(t, AblationLevel::Cma);
  Progress p{[](const ProgressEvent& e) {
               if (e.stage == "tune" && e.done >= 10) ::raise(SIGKILL);
             },
             nullptr};
  tune_tmf(m, t.rows, t.catalog, t.seen, 2, checkpoint_options(std::string(dir) + "/tune.ckpt"), p);
  FAIL() << "the child should have been killed";
}

TEST(Tuning, CheckpointResumesAfterKill) {
  const std::string dir = std::string(TMF_BINARY_DIR) + "/test-tmp/tune-kill";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string ckpt = dir + "/tune.ckpt";
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    setenv("TMF_TUNE_KILL_DIR", dir.c_str(), 1);
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) _exit(3);
    self[n] = 0;
    execl(self, self, "--gtest_filter=Tuning.KilledChild", static_cast<char*>(nullptr));
    _exit(4);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child status " << status;
  ASSERT_TRUE(std::filesystem::exists(ckpt));
  EXPECT_FALSE(std::filesystem::exists(ckpt + ".partial"));

  Tiny t = make_tiny();
  TmfModel resumed = make_model(t, AblationLevel::Cma);
  TuneReport rr = tune_tmf(resumed, t.rows, t.catalog, t.seen, 2, checkpoint_options(ckpt));
  EXPECT_EQ(rr.resumed_from, 8);
  EXPECT_EQ(rr.losses.size(), 14u);

  TmfModel straight = make_model(t, AblationLevel::Cma);
  TuneReport rs = tune_tmf(straight, t.rows, t.catalog, t.seen, 2, checkpoint_options(""));
  EXPECT_EQ(rs.resumed_from, 0);
  for (size_t i = 0; i < rs.losses.size(); ++i) EXPECT_DOUBLE_EQ(rs.losses[i], rr.losses[i]) << "step " << i;
  auto a = trained_weights(straight), b = trained_weights(resumed);
  ASSERT_EQ(a.size(), b.size());
  for (auto& [k, v] : a) EXPECT_TRUE(torch::equal(v, b.at(k))) << k;

  // A checkpoint of other settings is refused, naming them.
  auto other = checkpoint_options(ckpt);
  other.lr = 5e-3;
  TmfModel m3 = make_model(t, AblationLevel::Cma);
  EXPECT_THROW(tune_tmf(m3, t.rows, t.catalog, t.seen, 2, other), Error);
}
