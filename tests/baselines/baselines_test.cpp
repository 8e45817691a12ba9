// Baselines of Table 2 (core/baselines): every ranking model trains on a small generated world and
// beats random ranking (1/11) on the stored test candidates; save/load gives identical scores and
// refuses another dataset; the settings, the hit rule and the adjacency are checked by hand.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <unistd.h>

#include "baselines/ranking_net.h"
#include "baselines/ranking_trainer.h"
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

std::string tmp_dir() {
  static std::string d = [] {
    auto p = fs::temp_directory_path() / ("tmf_baselines_test_" + std::to_string(::getpid()));
    fs::create_directories(p);
    return p.string();
  }();
  return d;
}

struct Env : ::testing::Environment {
  void SetUp() override { at::set_num_threads(1); }  // tiny tensors; OpenMP spins on a busy machine
  void TearDown() override { fs::remove_all(tmp_dir()); }
};
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new Env);

// A small electronics world (as the MBHT test) with the default split and candidate set.
std::string small_world(const std::string& name, uint64_t seed) {
  const std::string path = tmp_dir() + "/" + name + ".tmfdb";
  if (fs::exists(path)) return path;
  auto ds = Dataset::create(path, name);
  world::GenerateOptions o;
  o.seed = seed;
  o.items = 150;
  o.users = 400;
  world::generate_world(world::load_world_spec(std::string(TMF_SOURCE_DIR) + "/data/worlds/electronics.json"), o, ds);
  make_split(ds, SplitOptions{});
  CandidateOptions co;
  co.seed = seed;
  make_candidates(ds, co);
  return path;
}

// Few epochs with small batches (more steps), no early stopping: a few seconds per model.
nlohmann::json quick(const std::string& kind) {
  if (kind == "pop") return nlohmann::json::object();
  nlohmann::json o = {{"epochs", 6}, {"patience", 0}, {"batch_size", 32}};
  if (kind == "sasrec" || kind == "bert4rec") o["dropout"] = 0.2;
  if (kind == "mbht") o = {{"epochs", 6}, {"patience", 0}, {"batch_size", 16}, {"dropout", 0.2}};
  if (kind == "mbgcn" || kind == "mbrec") o["epochs"] = 10;
  return o;
}

void trains_and_beats_random(const std::string& kind) {
  Dataset ds = Dataset::open(small_world("w", 7));
  auto rec = make_recommender(kind, quick(kind));
  EXPECT_EQ(rec->kind(), kind);
  EXPECT_TRUE(rec->is_ranking());
  RecTrainOptions to;
  to.seed = 3;
  rec->train(ds, to);
  const RecEvalResult r = rec->evaluate(ds, RecEvalOptions{});
  ASSERT_GT(r.stats.n, 100);
  EXPECT_EQ(r.stats.n_valid, r.stats.n);  // rankings are always valid
  std::printf("%s: test HR@1 %.3f (%lld rows), training %s\n", kind.c_str(), r.stats.hit_rate_all(),
              (long long)r.stats.n, rec->training().value("best_valid_hr1", nlohmann::json()).dump().c_str());
  EXPECT_GT(r.stats.hit_rate_all(), 2.0 / 11.0) << kind << " does not beat random ranking (1/11)";

  // Save -> load gives identical scores and hash; another dataset is refused.
  const std::string dir = tmp_dir() + "/model-" + kind;
  rec->save(dir);
  auto back = load_recommender(dir, ds);
  EXPECT_EQ(back->kind(), kind);
  EXPECT_EQ(back->model_hash(), rec->model_hash());
  const auto rows = load_split_rows(ds, "default", "test");
  const auto cands = load_candidates(ds, candidate_set_id(ds, "default", "default"), "test");
  std::vector<const SplitRow*> rs;
  std::vector<std::vector<int64_t>> cs;
  for (size_t i = 0; i < 8 && i < rows.size(); ++i) {
    for (const auto& c : cands)
      if (c.row_id == rows[i].id) {
        rs.push_back(&rows[i]);
        cs.push_back(c.items);
      }
  }
  ASSERT_FALSE(rs.empty());
  EXPECT_EQ(back->score(rs, cs), rec->score(rs, cs));
  Dataset other = Dataset::open(small_world("other", 8));
  EXPECT_THROW(load_recommender(dir, other), Error);
}

}  // namespace

TEST(Baselines, MostPopCountsAndBeatsRandom) { trains_and_beats_random("pop"); }
TEST(Baselines, Gru4recTrainsAndBeatsRandom) { trains_and_beats_random("gru4rec"); }
TEST(Baselines, SasrecTrainsAndBeatsRandom) { trains_and_beats_random("sasrec"); }
TEST(Baselines, Bert4recTrainsAndBeatsRandom) { trains_and_beats_random("bert4rec"); }
TEST(Baselines, MbgcnTrainsAndBeatsRandom) { trains_and_beats_random("mbgcn"); }
TEST(Baselines, MbrecTrainsAndBeatsRandom) { trains_and_beats_random("mbrec"); }
TEST(Baselines, MbhtTrainsAndBeatsRandom) { trains_and_beats_random("mbht"); }

TEST(Baselines, SettingsAreThePublishedDefaultsAndUnknownOnesFail) {
  EXPECT_EQ(recommender_defaults("sasrec")["dropout"], 0.5);
  EXPECT_EQ(recommender_defaults("bert4rec")["dropout"], 0.2);
  EXPECT_EQ(recommender_defaults("bert4rec")["mask_ratio"], 0.2);
  EXPECT_EQ(recommender_defaults("gru4rec")["hidden"], 128);
  EXPECT_EQ(recommender_defaults("gru4rec")["dropout"], 0.3);
  EXPECT_EQ(recommender_defaults("mbht")["hidden"], 64);
  EXPECT_EQ(make_recommender("sasrec", {{"layers", 1}})->settings()["layers"], 1);
  EXPECT_THROW(make_recommender("sasrec", {{"no_such_setting", 1}}), Error);
  EXPECT_THROW(make_recommender("sasrec", {{"layers", "two"}}), Error);
  EXPECT_THROW(make_recommender("popularity"), Error);
  for (const auto& k : recommender_kinds()) EXPECT_NO_THROW(recommender_defaults(k)) << k;
}

// MostPop's scores are the candidates' event counts before each user's validation target (test
// target for users without one), counted here independently; "target" counts only purchases.
TEST(Baselines, MostPopScoresAreTrainingPeriodCounts) {
  Dataset ds = Dataset::open(small_world("w", 7));
  std::map<int64_t, int64_t> cut;
  for (const auto& r : load_split_rows(ds, "default", "test")) cut[r.user_id] = r.target_event_id;
  for (const auto& r : load_split_rows(ds, "default", "valid")) cut[r.user_id] = r.target_event_id;
  std::map<int64_t, float> all, target;
  const int64_t tb = ds.target_behavior().id;
  ds.for_each_user_events([&](int64_t user, const std::vector<Event>& events) {
    for (const Event& e : events) {
      if (cut.count(user) && e.id == cut[user]) break;
      all[e.item_id] += 1;
      if (e.behavior_id == tb) target[e.item_id] += 1;
    }
  });
  auto pop_all = make_recommender("pop"), pop_target = make_recommender("pop", {{"behaviors", "target"}});
  pop_all->train(ds, RecTrainOptions{});
  pop_target->train(ds, RecTrainOptions{});
  const auto rows = load_split_rows(ds, "default", "test");
  const auto cands = load_candidates(ds, candidate_set_id(ds, "default", "default"), "test");
  ASSERT_FALSE(cands.empty());
  std::vector<const SplitRow*> rs(cands.size(), &rows[0]);  // MostPop ignores the history
  std::vector<std::vector<int64_t>> cs;
  for (const auto& c : cands) cs.push_back(c.items);
  const auto sa = pop_all->score(rs, cs), st = pop_target->score(rs, cs);
  double total = 0;
  for (size_t i = 0; i < cs.size(); ++i)
    for (size_t j = 0; j < cs[i].size(); ++j) {
      ASSERT_EQ(sa[i][j], all[cs[i][j]]) << "item " << cs[i][j];
      ASSERT_EQ(st[i][j], target[cs[i][j]]) << "item " << cs[i][j];
      total += sa[i][j];
    }
  EXPECT_GT(total, 0);
  EXPECT_THROW(make_recommender("pop", {{"behaviors", "views"}}), Error);
}

TEST(Baselines, HitNeedsTheStrictlyHighestScore) {
  EXPECT_TRUE(is_rank_hit({0.1f, 0.9f, 0.3f}, 1));
  EXPECT_FALSE(is_rank_hit({0.1f, 0.9f, 0.9f}, 1));  // a tie counts against the model
  EXPECT_FALSE(is_rank_hit({1.0f, 0.9f, 0.3f}, 1));
  EXPECT_FALSE(is_rank_hit({0.0f, std::nanf(""), 0.0f}, 1));
  EXPECT_THROW(is_rank_hit({0.0f}, 1), Error);
}

TEST(Baselines, MeanAdjacencyAveragesNeighbours) {
  // Row 0: cols {0, 2}; row 1: col {1}; row 2: none.
  torch::Tensor a = mean_adjacency(torch::tensor({0, 0, 1}), torch::tensor({0, 2, 1}), 3, 3);
  torch::Tensor x = torch::tensor({1.0f, 10.0f, 100.0f}).view({3, 1});
  torch::Tensor y = torch::mm(a, x).view({3});
  EXPECT_FLOAT_EQ(y[0].item<float>(), 50.5f);
  EXPECT_FLOAT_EQ(y[1].item<float>(), 10.0f);
  EXPECT_FLOAT_EQ(y[2].item<float>(), 0.0f);
}

TEST(Baselines, CausalSasrecIgnoresPaddingAndGraphHasNoFutureEvents) {
  Dataset ds = Dataset::open(small_world("w", 7));
  RankVocab v = make_rank_vocab(ds);
  // The training graph stops before each user's validation target.
  BehaviorGraph g = build_behavior_graph(ds, v, "default");
  int64_t edges = 0;
  for (auto& u : g.users) edges += u.numel();
  EXPECT_GT(edges, 0);
  const auto valid = load_split_rows(ds, "default", "valid");
  ASSERT_FALSE(valid.empty());
  const int64_t tb = v.ids.target_behavior_row() - 1;
  int64_t leaked = 0;
  for (const auto& r : valid) {
    const int64_t u = v.user_row(r.user_id), it = v.ids.item_row(r.target_item_id);
    bool seen_before = false;  // the same item bought earlier is a legitimate edge
    for (const auto& e : ds.user_events(r.user_id)) {
      if (e.id == r.target_event_id) break;
      if (e.item_id == r.target_item_id && v.ids.behavior_row(e.behavior_id) - 1 == tb) seen_before = true;
    }
    if (!seen_before) leaked += ((g.users[size_t(tb)] == u) & (g.items[size_t(tb)] == it)).any().item<bool>();
  }
  EXPECT_EQ(leaked, 0) << "validation targets in the training graph";

  // Scores of a history do not depend on what sits in padded slots.
  RankDims d = rank_dims(v, 6);
  torch::manual_seed(0);
  auto net = make_ranking_net("sasrec", recommender_defaults("sasrec"), d, {});
  net->eval();
  torch::NoGradGuard ng;
  RankInput in{torch::tensor({1, 2}), torch::tensor({0, 0, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6}).view({2, 6}),
               torch::tensor({0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}).view({2, 6}), torch::zeros({2, 6}, torch::kBool)};
  in.valid = in.items != 0;
  torch::Tensor s1 = net->scores(in);
  ASSERT_EQ(s1.sizes(), (std::vector<int64_t>{2, d.n_items}));
  RankInput in2 = in;
  in2.items = in.items.clone();
  in2.items[0][0] = 9;
  EXPECT_TRUE(torch::allclose(s1, net->scores(in2), 1e-5, 1e-6));
}
