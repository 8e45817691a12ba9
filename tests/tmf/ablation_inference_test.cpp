// End to end on a tiny generated world: `tmf ablate`'s four levels trained (tiny settings) with
// shared stages and evaluated, runs stored; then the inference API on the full model: prompt with
// placeholders, scores, attention rows summing to 1, new items embedded on the fly, clear errors.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include <unistd.h>

#include "data/candidates.h"
#include "data/image.h"
#include "data/split.h"
#include "bench/model_bench.h"
#include "eval/ablation.h"
#include "eval/eval_runs.h"
#include "tmf/inference.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/strings.h"
#include "world/generate.h"
#include "world/world_spec.h"

using namespace tmf;
namespace fs = std::filesystem;

namespace {
struct World {
  std::string dir;
  std::unique_ptr<Dataset> ds;
  AblationReport report;
};

// Built once per test process for the tests below (the four tiny trainings take most of the time).
// CTest runs each test in its own process, possibly side by side, so the folder is per process.
World& fixture() {
  static World* w = [] {
    auto* w = new World;
    w->dir = std::string(TMF_BINARY_DIR) + "/test-tmp/ablation-" + std::to_string(::getpid());
    fs::remove_all(w->dir);
    fs::create_directories(w->dir);
    w->ds = std::make_unique<Dataset>(Dataset::create(w->dir + "/w.tmfdb", "w"));
    world::GenerateOptions g;
    g.seed = 11;
    g.items = 60;
    g.users = 40;
    world::generate_world(world::load_world_spec(std::string(TMF_SOURCE_DIR) + "/data/worlds/pets.json"), g, *w->ds);
    make_split(*w->ds, SplitOptions{});
    make_candidates(*w->ds, CandidateOptions{});
    AblationOptions o;
    o.pipeline = PipelineOptions::tiny();
    o.limit = 4;
    o.eval.max_new_tokens = 12;
    w->report = run_ablation(*w->ds, w->dir + "/ablate", o);
    return w;
  }();
  return *w;
}
}  // namespace

TEST(Ablation, EveryLevelTrainsEvaluatesAndIsStored) {
  World& w = fixture();
  ASSERT_EQ(w.report.cells.size(), 8u);  // 4 levels x (constrained, free)
  for (const auto& c : w.report.cells) {
    EXPECT_EQ(c.stats.n, 4);
    if (c.decode == DecodeMode::Constrained) {
      EXPECT_EQ(c.stats.valid_ratio(), 1.0) << level_name(c.level);
    }
    EXPECT_TRUE(fs::exists(c.package_dir + "/tmf.json"));
  }
  // The four levels share the seed's stages: one backbone, one CLIP, one MBHT.
  EXPECT_TRUE(fs::exists(w.dir + "/ablate/seed-42/stages/backbone/model.safetensors"));
  EXPECT_FALSE(fs::exists(w.dir + "/ablate/seed-42/cma.stages"));
  auto runs = list_eval_runs(*w.ds, "tmf");
  ASSERT_EQ(runs.size(), 8u);
  EXPECT_EQ(runs[0].level, "text");
  EXPECT_EQ(runs[7].level, "cma");
  const std::string md = w.report.markdown();
  EXPECT_NE(md.find("| + CMA (full TMF) |"), std::string::npos) << md;
  EXPECT_NE(md.find("ValidRatio (free)"), std::string::npos) << md;
  // A second run reuses the packages: nothing is retrained.
  AblationOptions o;
  o.pipeline = PipelineOptions::tiny();
  o.levels = {AblationLevel::Cma};
  o.decodes = {DecodeMode::Constrained};
  o.limit = 4;
  auto again = run_ablation(*w.ds, w.dir + "/ablate", o);
  ASSERT_EQ(again.cells.size(), 1u);
  EXPECT_EQ(again.cells[0].train_seconds, 0.0);
  const AblationCell& first = w.report.cells[6];  // cma, constrained
  ASSERT_EQ(first.level, AblationLevel::Cma);
  ASSERT_EQ(first.decode, DecodeMode::Constrained);
  EXPECT_EQ(again.cells[0].stats.n_hit, first.stats.n_hit);  // same package, same answers
}

// tmf bench model on the same world: baselines (one a variant of MBHT's published settings) beside
// the ladder, the checks, and a second run that reads every result back.
TEST(ModelBench, BaselineVariantsLadderChecksAndResume) {
  World& w = fixture();
  ModelBenchOptions o;
  o.work = w.dir + "/bench";
  o.ablation.pipeline = PipelineOptions::tiny();
  o.ablation.seeds = {42};
  o.ablation.levels = {AblationLevel::Text, AblationLevel::Cma};
  o.ablation.decodes = {DecodeMode::Constrained, DecodeMode::Free};
  o.ablation.limit = 4;
  o.ablation.eval.max_new_tokens = 12;
  o.baselines = {"pop", "mbht:epochs=1:hidden=16:inner=32"};
  const std::string path = w.dir + "/w.tmfdb";
  ModelBenchReport r = run_model_bench({path}, o);
  ASSERT_EQ(r.datasets.size(), 1u);
  ASSERT_EQ(r.datasets[0].baselines.size(), 2u);
  EXPECT_EQ(r.datasets[0].ladder.cells.size(), 4u);  // 2 levels x 2 decodings
  EXPECT_TRUE(fs::exists(o.work + "/w/mbht_epochs_1_hidden_16_inner_32-seed-42/result.json"));
  const std::string md = r.markdown();
  EXPECT_NE(md.find("| MBHT (epochs=1, hidden=16, inner=32) |"), std::string::npos) << md;
  EXPECT_NE(md.find("| MostPop |"), std::string::npos) << md;
  int beats = 0, valid = 0, ladder = 0;
  for (const auto& c : r.checks()) {
    beats += c.what.find("beats") != std::string::npos;
    valid += c.what.find("ValidRatio") != std::string::npos;
    ladder += c.what.find("ladder") != std::string::npos;
  }
  EXPECT_EQ(beats, 2);
  EXPECT_EQ(valid, 1);
  EXPECT_EQ(ladder, 2);  // one per decoding
  // Resumed: the same numbers, nothing trained again.
  ModelBenchReport again = run_model_bench({path}, o);
  EXPECT_EQ(again.markdown(), md);
  for (const auto& c : again.datasets[0].ladder.cells) EXPECT_EQ(c.train_seconds, 0.0);
  // A wrong kind or setting is refused before anything trains.
  o.baselines = {"mbht:no_such_key=1"};
  EXPECT_THROW(run_model_bench({path}, o), std::exception);
  o.baselines = {"mbht:epochs"};
  EXPECT_THROW(run_model_bench({path}, o), std::exception);
}

TEST(Inference, FullModelExplainsItsAnswer) {
  World& w = fixture();
  const std::string pkg = w.dir + "/ablate/seed-42/cma";
  auto session = InferenceSession::open(pkg, *w.ds, "cpu");
  EXPECT_EQ(session->summary().level, "cma");
  EXPECT_TRUE(session->summary().can_embed_new_items);
  auto ex = stored_examples(*w.ds, "default", "default", "test", 1).at(0);
  InferenceRequest rq;
  rq.history_items = ex.history_items;
  rq.history_behaviors = ex.history_behaviors;
  rq.target_behavior = ex.target_behavior;
  rq.candidates = ex.candidates;
  rq.expected = ex.truth;
  rq.max_new_tokens = 12;
  InferenceResult r = session->run(rq);
  EXPECT_EQ(r.task, "hard");
  EXPECT_NE(r.prompt_text.find("[MT_i]"), std::string::npos);
  EXPECT_NE(r.prompt_text.find("[MT_b]"), std::string::npos);
  int item_tokens = 0;
  for (const auto& p : r.prompt.parts)
    if (p.is_placeholder && p.ref.kind == PlaceholderRef::Kind::HistoryItem) ++item_tokens;
  // The prompt keeps the last max_history steps (10 by default).
  const int64_t n = int64_t(rq.history_items.size()), keep = session->summary().max_history;
  ASSERT_EQ(keep, 10);
  EXPECT_EQ(r.history_offset, std::max<int64_t>(0, n - keep));
  const int64_t T = n - r.history_offset;
  EXPECT_EQ(item_tokens, int(T));
  ASSERT_EQ(r.candidate_probs.size(), rq.candidates.size());
  double total = 0;
  for (double p : r.candidate_probs) total += p;
  EXPECT_NEAR(total, 1.0, 1e-6);
  ASSERT_EQ(r.attention.size(), 3u);  // amsa, cma_ext, cma_img
  for (const auto& m : r.attention) {
    EXPECT_EQ(m.rows, T);
    EXPECT_EQ(m.cols, T);
    EXPECT_EQ(m.heads, 2);
    for (int64_t h = 0; h < m.heads; ++h)
      for (int64_t i = 0; i < T; ++i) {
        double s = 0;
        for (int64_t k = 0; k < T; ++k) s += m.at(h, i, k);
        EXPECT_NEAR(s, 1.0, 1e-4) << m.name << " head " << h << " row " << i;
      }
  }
  EXPECT_GT(r.timings.total_ms, 0);
  EXPECT_NE(inference_result_json(r).find("\"cma_img\""), std::string::npos);

  // Constrained decoding always names a candidate; likelihood picks the most probable one.
  rq.decode = DecodeMode::Constrained;
  EXPECT_TRUE(session->run(rq).valid);
  rq.decode = DecodeMode::Likelihood;
  InferenceResult lr = session->run(rq);
  ASSERT_TRUE(lr.valid);
  for (double p : lr.candidate_probs) EXPECT_LE(p, lr.candidate_probs[size_t(lr.matched)] + 1e-12);

  // A new item with its own image and text, in the history and among the candidates.
  RgbImage img;
  img.width = img.height = 24;
  img.rgb.assign(24 * 24 * 3, 200);
  NewItem fresh;
  fresh.id = -1;
  fresh.name = "Glowing Test Collar";
  fresh.text = "a bright collar for night walks";
  fresh.image = encode_png(img);
  rq.new_items = {fresh};
  rq.history_items.push_back(-1);
  rq.history_behaviors.push_back(rq.history_behaviors.back());
  rq.candidates.push_back(-1);
  rq.decode = DecodeMode::Constrained;
  InferenceResult nr = session->run(rq);
  EXPECT_EQ(nr.candidate_names.back(), "Glowing Test Collar");
  EXPECT_EQ(nr.attention[0].rows, std::min(T + 1, keep));
  EXPECT_EQ(nr.history_offset, n + 1 - nr.attention[0].rows);
  EXPECT_NE(nr.prompt_text.find("Glowing Test Collar"), std::string::npos);
  // The new item is gone afterwards: the model's features are unchanged.
  rq.new_items.clear();
  EXPECT_THROW(session->run(rq), Error);

  // Clear errors for bad requests.
  InferenceRequest bad = InferenceRequest{};
  EXPECT_THROW(session->run(bad), Error);
  bad.history_items = {ex.history_items[0]};
  bad.history_behaviors = {999};
  bad.candidates = ex.candidates;
  bad.target_behavior = ex.target_behavior;
  try {
    session->run(bad);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("999"), std::string::npos) << e.what();
  }
  // Issue 19 item 8: limits derived from the backbone's positions, checked before anything is
  // embedded or allocated, with the limit in the error.
  auto run_error = [](InferenceSession& sess, const InferenceRequest& q) {
    try {
      sess.run(q);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  InferenceRequest capped = InferenceRequest{};
  capped.history_items = ex.history_items;
  capped.history_behaviors = ex.history_behaviors;
  capped.target_behavior = ex.target_behavior;
  capped.candidates = ex.candidates;
  capped.max_new_tokens = 100000;
  EXPECT_NE(run_error(*session, capped).find("max_new_tokens 100000 is outside [1, "), std::string::npos);
  capped.max_new_tokens = 12;
  NewItem huge;
  huge.id = -7;
  for (int i = 0; i < 10000; ++i) huge.name += "Collar" + std::to_string(i) + " ";  // ~100,000 characters
  capped.new_items = {huge};
  capped.candidates.push_back(-7);
  EXPECT_NE(run_error(*session, capped).find("positions"), std::string::npos);
  // A new item's name and text are text: a NUL byte or invalid UTF-8 is refused, not embedded.
  NewItem garbled;
  garbled.id = -8;
  garbled.name = std::string("Coll\0ar", 7);
  capped.new_items = {garbled};
  capped.candidates.back() = -8;
  EXPECT_NE(run_error(*session, capped).find("NUL byte"), std::string::npos);
  // Decoded output may end inside a UTF-8 sequence: the JSON result replaces it instead of failing.
  InferenceResult cut = r;
  cut.generated = "Glowing \xE2\x82";
  std::string cut_json;
  EXPECT_NO_THROW(cut_json = inference_result_json(cut));
  EXPECT_NE(cut_json.find("Glowing \xEF\xBF\xBD"), std::string::npos);
  // Without max_history, a 10,000-step sequence is refused by the positions it would need.
  const std::string unbounded = w.dir + "/unbounded-pkg";
  std::filesystem::remove_all(unbounded);
  std::filesystem::copy(pkg, unbounded, std::filesystem::copy_options::recursive);
  auto manifest = read_json_file(unbounded + "/tmf.json");
  manifest["max_history"] = 0;
  write_file_atomic(unbounded + "/tmf.json", manifest.dump(2));
  auto open_ended = InferenceSession::open(unbounded, *w.ds, "cpu");
  InferenceRequest longer = InferenceRequest{};
  longer.target_behavior = ex.target_behavior;
  longer.candidates = ex.candidates;
  for (int i = 0; i < 10000; ++i) {
    longer.history_items.push_back(ex.history_items[size_t(i) % ex.history_items.size()]);
    longer.history_behaviors.push_back(ex.history_behaviors[size_t(i) % ex.history_behaviors.size()]);
  }
  const std::string msg = run_error(*open_ended, longer);
  EXPECT_NE(msg.find("10000 history steps"), std::string::npos) << msg;
  EXPECT_NE(msg.find("positions"), std::string::npos) << msg;

  // A package for another dataset is refused.
  Dataset other = Dataset::create(w.dir + "/other.tmfdb", "other");
  other.set_behaviors({"view", "buy"}, "buy");
  EXPECT_THROW(InferenceSession::open(pkg, other, "cpu"), Error);
}
