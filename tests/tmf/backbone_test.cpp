#include <gtest/gtest.h>

#include <filesystem>

#include "data/candidates.h"
#include "data/split.h"
#include "llm/tokenizer.h"
#include "prompt/hybrid_prompt.h"
#include "train/backbone.h"
#include "world/generate.h"
#include "world/world_spec.h"

using namespace tmf;
namespace fs = std::filesystem;

TEST(Backbone, TokenizerAndWarmUpFromADatasetsText) {
  const std::string dir = std::string(TMF_BINARY_DIR) + "/test-tmp/backbone";
  fs::remove_all(dir);
  fs::create_directories(dir);
  Dataset ds = Dataset::create(dir + "/w.tmfdb", "w");
  world::GenerateOptions g;
  g.seed = 3;
  g.items = 80;
  g.users = 60;
  world::generate_world(world::load_world_spec(std::string(TMF_SOURCE_DIR) + "/data/worlds/pets.json"), g, ds);
  make_split(ds, SplitOptions{});
  BackboneOptions o;
  o.vocab_size = 600;
  o.layers = 2;
  o.hidden = 64;
  o.heads = 4;
  o.kv_heads = 2;
  o.intermediate = 128;
  o.steps = 40;
  o.batch = 8;
  o.max_tokens = 256;
  o.lr = 3e-3;
  o.prompts = 100;
  auto corpus = backbone_corpus(ds, o);
  ASSERT_EQ(corpus.size(), size_t(ds.item_count()) + 100);
  BackboneResult r = build_backbone(corpus, o, dir + "/out");
  ASSERT_EQ(r.losses.size(), 40u);
  double head = (r.losses[0] + r.losses[1]) / 2, tail = (r.losses[38] + r.losses[39]) / 2;
  EXPECT_LT(tail, head * 0.7) << head << " -> " << tail;
  // The placeholders are single pieces of the trained tokenizer; the model reloads in HF layout.
  Tokenizer tok = Tokenizer::load(r.tokenizer_path);
  auto ids = tok.encode(std::string("view ") + kBehaviorToken + " Thing " + kItemToken);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), tok.add_special_token(kItemToken)), 1);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), tok.add_special_token(kBehaviorToken)), 1);
  EXPECT_LE(tok.vocab_size(), 600);
  Llama m = load_llama(r.dir);
  EXPECT_EQ(m->config.vocab_size, tok.vocab_size());
  EXPECT_EQ(m->config.num_hidden_layers, 2);
}
