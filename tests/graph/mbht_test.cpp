// MBHT (core/graph): shapes and padding, the hand-made hypergraph, training on a small generated
// world (loss falls, HitRate@1 well above random 1/11), save/load, determinism, the dataset guard
// and the embedding cache of the trained model.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <filesystem>
#include <unistd.h>

#include "data/candidates.h"
#include "data/dataset.h"
#include "data/split.h"
#include "graph/embedding_cache.h"
#include "graph/hypergraph.h"
#include "graph/mbht.h"
#include "graph/mbht_model.h"
#include "graph/mbht_rank.h"
#include "graph/mbht_train.h"
#include "world/generate.h"
#include "world/world_spec.h"

namespace fs = std::filesystem;
using namespace tmf;

namespace {

std::string tmp_dir() {
  static std::string d = [] {
    auto p = fs::temp_directory_path() / ("tmf_mbht_test_" + std::to_string(::getpid()));
    fs::create_directories(p);
    return p.string();
  }();
  return d;
}

struct CleanTmp : ::testing::Environment {
  // One thread: MBHT's tensors are tiny and OpenMP barriers spin on a busy 2-core machine.
  void SetUp() override { at::set_num_threads(1); }
  void TearDown() override { fs::remove_all(tmp_dir()); }
};
const auto* const kCleanTmp = ::testing::AddGlobalTestEnvironment(new CleanTmp);

// A small electronics world with the default split and candidate set, generated once per name.
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

MbhtConfig tiny_config(int64_t n_items = 12, int64_t n_beh = 3) {
  MbhtConfig c;
  c.n_items = n_items;
  c.n_behaviors = n_beh;
  c.target_behavior = n_beh;
  c.max_len = 7;
  c.hidden = 16;
  c.inner = 32;
  c.low_rank = 3;
  c.hyper_topk = 2;
  return c;
}

MbhtConfig small_train_config() {
  MbhtConfig c;
  c.dropout = 0.2;  // 0.5 (the reference value) underfits a world this small
  return c;
}

MbhtTrainOptions small_train_options(int64_t epochs) {
  MbhtTrainOptions o;
  o.epochs = epochs;
  o.batch_size = 64;
  o.seed = 3;
  o.patience = 0;
  return o;
}

}  // namespace

TEST(Mbht, ShapesAndPaddingIsIgnored) {
  torch::manual_seed(0);
  Mbht m(tiny_config());
  m->eval();
  torch::NoGradGuard no_grad;
  // Two sequences of T = 7, the first left-padded by 3.
  torch::Tensor items = torch::tensor({0, 0, 0, 4, 5, 4, 13, 1, 2, 3, 4, 5, 6, 13}, torch::kInt64).view({2, 7});
  torch::Tensor beh = torch::tensor({0, 0, 0, 1, 2, 2, 3, 1, 1, 2, 2, 1, 1, 3}, torch::kInt64).view({2, 7});
  torch::Tensor valid = items != 0;
  torch::Tensor h = m->forward(items, beh, valid);
  ASSERT_EQ(h.sizes(), (std::vector<int64_t>{2, 7, 16}));
  EXPECT_EQ(h[0].slice(0, 0, 3).abs().sum().item<float>(), 0.0f);  // padding zeroed
  EXPECT_TRUE(torch::isfinite(h).all().item<bool>());

  // Whatever sits in the padded slots does not change the other positions.
  torch::Tensor items2 = items.clone(), beh2 = beh.clone();
  items2[0][0] = 9;
  items2[0][1] = 4;
  beh2[0][1] = 2;
  torch::Tensor h2 = m->forward(items2, beh2, valid);
  EXPECT_TRUE(torch::allclose(h.slice(1, 3), h2.slice(1, 3), 1e-5, 1e-6));
  // ...while changing a valid item does.
  items2[0][4] = 7;
  EXPECT_FALSE(torch::allclose(h[0][6], m->forward(items2, beh2, valid)[0][6], 1e-5, 1e-6));

  torch::Tensor logits = m->score_last(items.slice(1, 0, 6), beh.slice(1, 0, 6), valid.slice(1, 0, 6));
  ASSERT_EQ(logits.sizes(), (std::vector<int64_t>{2, 12}));
  EXPECT_TRUE(torch::allclose(logits, m->logits(h.select(1, 6)), 1e-5, 1e-6));
  EXPECT_THROW(m->score_last(items, beh, valid), Error);  // history must be T-1 long
}

TEST(Mbht, HypergraphIncidenceOfHandMadeSequence) {
  // T = 5: pad, item 5 (view), 7 (view), 5 (purchase), 9 (view). topk 1: every position is its own
  // semantic edge; item 5 under two behaviors adds one edge joining positions 1 and 3.
  torch::Tensor items = torch::tensor({0, 5, 7, 5, 9}, torch::kInt64).view({1, 5});
  torch::Tensor beh = torch::tensor({0, 1, 1, 3, 1}, torch::kInt64).view({1, 5});
  torch::Tensor valid = items != 0;
  torch::manual_seed(1);
  torch::Tensor gated = torch::randn({1, 5, 8});
  torch::Tensor H = hypergraph_incidence(gated, items, beh, valid, /*topk=*/1, /*mask_row=*/13)[0];  // (5, 10)
  ASSERT_EQ(H.sizes(), (std::vector<int64_t>{5, 10}));
  torch::Tensor expect = torch::zeros({5, 10});
  for (int t = 1; t < 5; ++t) expect[t][t] = 1;
  expect[1][5 + 1] = 1;
  expect[3][5 + 1] = 1;
  EXPECT_TRUE(torch::equal(H, expect)) << H;

  torch::Tensor G = hypergraph_propagation(H.unsqueeze(0))[0];  // (5, 5)
  torch::Tensor g_expect = torch::zeros({5, 5});
  // Position 1: edges {1} (degree 1) and {1, 3} (degree 2), vertex degree 2 -> (1 + 1/2)/2, (1/2)/2.
  g_expect[1][1] = 0.75;
  g_expect[1][3] = 0.25;
  g_expect[3][3] = 0.75;
  g_expect[3][1] = 0.25;
  g_expect[2][2] = 1;
  g_expect[4][4] = 1;
  EXPECT_TRUE(torch::allclose(G, g_expect, 1e-6, 1e-7)) << G;

  // Same item under one behavior only: no behavior edge. A masked slot joins none either.
  torch::Tensor beh_same = torch::tensor({0, 1, 1, 1, 1}, torch::kInt64).view({1, 5});
  EXPECT_EQ(hypergraph_incidence(gated, items, beh_same, valid, 1, 13)[0].slice(1, 5).sum().item<float>(), 0.0f);
  torch::Tensor items_masked = torch::tensor({0, 5, 7, 13, 9}, torch::kInt64).view({1, 5});
  EXPECT_EQ(hypergraph_incidence(gated, items_masked, beh, valid, 1, 13)[0].slice(1, 5).sum().item<float>(), 0.0f);

  // topk 2 with two near-identical positions: they join each other's semantic edges.
  torch::Tensor g2 = torch::zeros({1, 5, 3});
  g2[0][1] = torch::tensor({1.0f, 0.0f, 0.0f});
  g2[0][2] = torch::tensor({0.0f, 1.0f, 0.0f});
  g2[0][3] = torch::tensor({0.0f, 0.0f, 1.0f});
  g2[0][4] = torch::tensor({0.1f, 0.0f, 1.0f});
  torch::Tensor H2 = hypergraph_incidence(g2, items, beh_same, valid, 2, 13)[0];
  EXPECT_EQ(H2[3][4].item<float>(), 1.0f);
  EXPECT_EQ(H2[4][3].item<float>(), 1.0f);
  EXPECT_EQ(H2[0].sum().item<float>(), 0.0f);  // padding joins nothing
  EXPECT_EQ(H2.slice(1, 0, 5).sum(0)[0].item<float>(), 0.0f);  // and no one joins padding's edge
  EXPECT_EQ(H2.slice(1, 0, 5).sum(1).slice(0, 1).sum().item<float>(), 8.0f);  // 2 edges per position
}

TEST(Mbht, TrainsOnSmallWorldAndBeatsRandom) {
  auto ds = Dataset::open(small_world("train", 7), true);
  MbhtModel m = create_mbht(ds, small_train_config(), 3);
  std::vector<double> losses;
  MbhtTrainOptions o = small_train_options(6);
  o.batch_size = 16;  // more steps: 6 epochs of batch 64 barely move a world this small
  auto res = train_mbht(m, ds, o, {}, [&](const MbhtEpoch& e) { losses.push_back(e.loss); });
  ASSERT_EQ(losses.size(), 6u);
  EXPECT_LT(losses.back(), losses.front() * 0.95) << "loss " << losses.front() << " -> " << losses.back();
  const RankEval test = evaluate_mbht(m, ds, "default", "default", "test");
  ASSERT_GT(test.rows, 100);
  std::printf("small world: %lld training examples, best valid HR@1 %.3f (epoch %lld), test HR@1 %.3f, %.1f s\n",
              (long long)res.train_examples, res.best_valid_hr1, (long long)res.best_epoch, test.hit_rate(), res.seconds);
  EXPECT_GT(test.hit_rate(), 2.0 / 11.0);  // random is 1/11
  EXPECT_GT(res.best_valid_hr1, 2.0 / 11.0);

  // Save -> load gives identical scores; the model refuses another dataset.
  const std::string dir = tmp_dir() + "/model";
  save_mbht(m, dir);
  MbhtModel back = load_mbht(dir, ds);
  EXPECT_EQ(mbht_version(back), mbht_version(m));
  const auto rows = load_split_rows(ds, "default", "test");
  const std::vector<int64_t> cands = {rows[0].target_item_id, rows[1].target_item_id, rows[2].target_item_id};
  EXPECT_EQ(score_candidates(back, rows[0].history, cands), score_candidates(m, rows[0].history, cands));
  EXPECT_EQ(evaluate_mbht(back, ds, "default", "default", "test").hits, test.hits);
  EXPECT_EQ(back.training.value("best_epoch", int64_t(0)), res.best_epoch);

  auto other = Dataset::open(small_world("other", 8), true);
  try {
    load_mbht(dir, other);
    FAIL() << "loading for another dataset succeeded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("was trained for dataset"), std::string::npos) << e.what();
  }

  // The graph-modality tables, keyed by dataset ids, through the cache.
  const std::string copy = tmp_dir() + "/cache.tmfdb";
  fs::copy_file(ds.path(), copy, fs::copy_options::overwrite_existing);
  auto rw = Dataset::open(copy);
  EXPECT_TRUE(cache_mbht_embeddings(rw, m));
  EXPECT_FALSE(cache_mbht_embeddings(rw, m));  // same version: nothing recomputed
  auto items = load_embeddings(rw, "mbht-item", mbht_version(m));
  ASSERT_TRUE(items.has_value());
  EXPECT_EQ(int64_t(items->keys.size()), ds.item_count());
  EXPECT_EQ(items->dim, 64);
  const int64_t some_item = ds.items()[5].id;
  torch::Tensor row = m.module->item_embeddings->weight[m.vocab.item_row(some_item)];
  std::vector<float> v = items->vector_of(some_item);
  EXPECT_TRUE(torch::equal(torch::tensor(v), row.detach()));
  auto beh = load_embeddings(rw, "mbht-behavior", mbht_version(m));
  ASSERT_TRUE(beh.has_value());
  EXPECT_EQ(beh->keys.size(), ds.behaviors().size());
  EXPECT_EQ(beh->keys[0], ds.behaviors()[0].id);
}

TEST(Mbht, SameSeedSameWeights) {
  auto ds = Dataset::open(small_world("train", 7), true);
  auto run = [&](uint64_t seed) {
    MbhtModel m = create_mbht(ds, small_train_config(), seed);
    MbhtTrainOptions o = small_train_options(1);
    o.seed = seed;
    train_mbht(m, ds, o);
    return m;
  };
  MbhtModel a = run(5), b = run(5), c = run(6);
  auto pa = a.module->named_parameters(), pb = b.module->named_parameters(), pc = c.module->named_parameters();
  for (const auto& p : pa) EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
  EXPECT_EQ(mbht_version(a), mbht_version(b));
  EXPECT_NE(mbht_version(a), mbht_version(c));
  EXPECT_FALSE(torch::equal(pa["item_embeddings.weight"], pc["item_embeddings.weight"]));
}

TEST(Mbht, ConfigRoundTripAndValidation) {
  MbhtConfig c = tiny_config();
  c.scales = {2, 3};
  MbhtConfig back = mbht_config_from_json(mbht_config_to_json(c), "test");
  EXPECT_EQ(mbht_config_to_json(back), mbht_config_to_json(c));
  c.hidden = 15;
  EXPECT_THROW(c.validate(), Error);
  EXPECT_THROW(mbht_config_from_json(nlohmann::json{{"n_items", 3}}, "test"), Error);
}
