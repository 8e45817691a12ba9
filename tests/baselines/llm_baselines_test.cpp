// LLM baselines of Table 2 (core/baselines): the text-only fine-tuned LLM (TMF pipeline at
// AblationLevel::Text) and LLaRA (SASRec item tokens through a projector, curriculum) train on a
// small world with a tiny backbone, beat random ranking (1/11) with likelihood decoding on every
// stored test candidate set (10 negatives), evaluate with free decoding (a ValidRatio) and survive
// save/load with identical scores. About a minute each on two busy cores: labelled slow.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <filesystem>
#include <unistd.h>

#include "baselines/recommender.h"
#include "data/candidates.h"
#include "data/dataset.h"
#include "data/split.h"
#include "util/error.h"
#include "world/generate.h"
#include "world/world_spec.h"

namespace fs = std::filesystem;
using namespace tmf;

namespace {

std::string llm_tmp() {
  static std::string d = [] {
    auto p = fs::temp_directory_path() / ("tmf_llm_baselines_test_" + std::to_string(::getpid()));
    fs::create_directories(p);
    return p.string();
  }();
  return d;
}

struct LlmEnv : ::testing::Environment {
  void SetUp() override { at::set_num_threads(1); }  // tiny tensors; OpenMP spins on a busy machine
  void TearDown() override { fs::remove_all(llm_tmp()); }
};
const auto* const kLlmEnv = ::testing::AddGlobalTestEnvironment(new LlmEnv);

std::string pets_world() {
  const std::string path = llm_tmp() + "/pets.tmfdb";
  if (fs::exists(path)) return path;
  auto ds = Dataset::create(path, "pets");
  world::GenerateOptions o;
  o.seed = 5;
  o.items = 60;
  o.users = 80;
  world::generate_world(world::load_world_spec(std::string(TMF_SOURCE_DIR) + "/data/worlds/pets.json"), o, ds);
  make_split(ds, SplitOptions{});
  CandidateOptions co;
  co.seed = 5;
  make_candidates(ds, co);
  return path;
}

void llm_round_trip(const std::string& kind, const nlohmann::json& settings) {
  Dataset ds = Dataset::open(pets_world());
  auto rec = make_recommender(kind, settings);
  EXPECT_FALSE(rec->is_ranking());
  RecTrainOptions to;
  to.seed = 1;
  to.work_dir = llm_tmp() + "/work";
  rec->train(ds, to);
  RecEvalOptions eo;
  eo.limit = 12;
  const RecEvalResult free = rec->evaluate(ds, eo);
  EXPECT_EQ(free.stats.n, 12);
  EXPECT_LE(free.stats.n_valid, free.stats.n);
  EXPECT_LE(free.stats.n_hit, free.stats.n_valid);
  eo.decode = DecodeMode::Likelihood;
  eo.limit = 0;
  const RecEvalResult lik = rec->evaluate(ds, eo);
  EXPECT_EQ(lik.stats.n_valid, lik.stats.n);  // likelihood decoding always names one candidate
  EXPECT_GE(lik.stats.n, 60);
  std::printf("%s: free HR@1 %.3f valid %.3f; likelihood HR@1 %.3f (%lld rows)\n", kind.c_str(),
              free.stats.hit_rate_all(), free.stats.valid_ratio(), lik.stats.hit_rate_all(), (long long)lik.stats.n);
  EXPECT_GT(lik.stats.hit_rate_all(), 2.0 / 11.0) << kind << " does not beat random ranking (1/11)";

  // Save -> load: identical candidate scores.
  const std::string dir = llm_tmp() + "/saved-" + kind;
  rec->save(dir);
  auto back = load_recommender(dir, ds);
  EXPECT_EQ(back->kind(), kind);
  EXPECT_EQ(back->model_hash(), rec->model_hash());
  const auto rows = load_split_rows(ds, "default", "test");
  const auto cands = load_candidates(ds, candidate_set_id(ds, "default", "default"), "test");
  ASSERT_FALSE(rows.empty());
  std::vector<const SplitRow*> rs;
  std::vector<std::vector<int64_t>> cs;
  for (const auto& c : cands)
    if (c.row_id == rows[0].id) {
      rs.push_back(&rows[0]);
      cs.push_back(c.items);
    }
  ASSERT_EQ(rs.size(), 1u);
  auto a = rec->score(rs, cs), b = back->score(rs, cs);
  ASSERT_EQ(a[0].size(), cs[0].size());
  for (size_t j = 0; j < a[0].size(); ++j) EXPECT_NEAR(a[0][j], b[0][j], 1e-4) << "candidate " << j << " of " << a[0].size();
}

}  // namespace

// The tiny preset (1 layer, hidden 64) with a longer backbone warm-up on more text-only prompts
// and more, faster tuning steps: the preset's 10 warm-up and 6 tuning steps stay at random (measured
// 0.083 HR@1). Both tests share the backbone stage (same settings and seed).
const nlohmann::json kBackbone = {{"preset", "tiny"}, {"backbone_steps", 200}, {"backbone_prompts", 300},
                                  {"backbone_lr", 3e-3}, {"tune_batch", 8}};

TEST(LlmBaselines, TextOnlyLlmTrainsBeatsRandomAndReloads) {
  nlohmann::json s = kBackbone;
  s.update({{"tune_steps", 150}, {"tune_lr", 2e-3}});
  llm_round_trip("text-llm", s);
}

TEST(LlmBaselines, LlaraTrainsBeatsRandomAndReloads) {
  nlohmann::json s = kBackbone;
  s.update({{"tune_steps", 250}, {"tune_lr", 3e-3}, {"sasrec_epochs", 6}});
  llm_round_trip("llara", s);
}
