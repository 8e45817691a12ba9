// tmf mbht: the MBHT graph encoder / baseline (Yang et al., KDD'22; TMF paper §3.3).
//   tmf mbht train --dataset FILE [--split default] [--candidates default] [--out DIR] [--epochs N]
//                  [--seed S] [--device cpu|cuda|auto] [--batch-size N] [--lr X] [--patience N]
//                  [--dropout X] [--hidden N] [--topk K] [--threads N] [--quiet]
//     trains on the split's training examples, prints validation HitRate@1 per epoch, keeps the
//     best epoch, saves DIR (model.safetensors + config.json; default DIR = <dataset>.mbht) and
//     writes the item / behavior embeddings into the dataset's cache ('mbht-item', 'mbht-behavior').
//   tmf mbht eval --dataset FILE --model DIR [--split S] [--part test] [--candidates default]
//                 [--device ...] [--threads N]
//     prints HitRate@1 on the stored candidate set.
// --threads: CPU intra-op threads, default 1: MBHT's tensors are tiny (B x 21 x 64) and on a busy
// 2-core machine OpenMP's spinning barriers made 2 threads 8x slower than 1 (26 s vs 3 s an epoch).
#include <torch/torch.h>

#include <cstdio>

#include "cli_progress.h"
#include "command.h"
#include "data/dataset.h"
#include "graph/mbht_model.h"
#include "graph/mbht_rank.h"
#include "graph/mbht_train.h"
#include "llm/device.h"
#include "util/error.h"

namespace {

void set_threads(int n) {
  TMF_CHECK(n >= 0, "--threads must be >= 0 (0: every core), got ", n);
  if (n == 0) tmf::init_torch_threads();
  else at::set_num_threads(n);
}

int mbht_train(tmf::cli::Args& args) {
  const std::string path = args.req("dataset");
  tmf::MbhtTrainOptions opts;
  opts.split = args.get("split", "default");
  opts.candidates = args.get("candidates", "default");
  const std::string out = args.get("out", path + ".mbht");
  opts.epochs = args.get_int("epochs", 50);
  opts.seed = uint64_t(args.get_int("seed", 0));
  opts.batch_size = args.get_int("batch-size", 64);
  opts.learning_rate = args.get_double("lr", 1e-3, 1e-12, 10.0);
  opts.patience = args.get_int("patience", 10);
  const std::string device = tmf::resolve_device(args.get("device", "cpu"));
  tmf::MbhtConfig cfg;
  cfg.dropout = args.get_double("dropout", cfg.dropout, 0.0, 0.99);
  cfg.hidden = args.get_int("hidden", cfg.hidden);
  cfg.hyper_topk = args.get_int("topk", cfg.hyper_topk);
  const bool quiet = args.flag("quiet");
  const int threads = int(args.get_int("threads", 1, 1, 4096));
  args.finish();
  set_threads(threads);

  tmf::Dataset ds = tmf::Dataset::open(path);
  tmf::MbhtModel m = tmf::create_mbht(ds, cfg, opts.seed, device);
  std::printf("MBHT on %s: %lld items, %lld behaviors, T=%lld, C=%lld, dropout %.2f, device %s\n", path.c_str(),
              (long long)m.config.n_items, (long long)m.config.n_behaviors, (long long)m.config.max_len,
              (long long)m.config.hidden, m.config.dropout, tmf::device_description(device).c_str());
  auto res = tmf::train_mbht(m, ds, opts, tmf::cli::terminal_progress(quiet), [](const tmf::MbhtEpoch& e) {
    std::printf("epoch %3lld  loss %.4f  valid HR@1 %.4f  (%.1f s)\n", (long long)e.epoch, e.loss, e.valid_hr1,
                e.seconds);
    std::fflush(stdout);
  });
  tmf::save_mbht(m, out);
  const bool wrote = tmf::cache_mbht_embeddings(ds, m);
  std::printf("%lld training examples; best epoch %lld, valid HR@1 %.4f; %.1f s\nsaved %s; embeddings %s (version %s)\n",
              (long long)res.train_examples, (long long)res.best_epoch, res.best_valid_hr1, res.seconds, out.c_str(),
              wrote ? "cached" : "already cached", tmf::mbht_version(m).substr(0, 16).c_str());
  return 0;
}

int mbht_eval(tmf::cli::Args& args) {
  const std::string path = args.req("dataset");
  const std::string dir = args.req("model");
  const std::string part = args.get("part", "test");
  const std::string cands = args.get("candidates", "default");
  const std::string device = tmf::resolve_device(args.get("device", "cpu"));
  std::optional<std::string> split_opt = args.opt("split");
  const int threads = int(args.get_int("threads", 1, 1, 4096));
  args.finish();
  set_threads(threads);
  tmf::Dataset ds = tmf::Dataset::open(path, /*read_only=*/true);
  tmf::MbhtModel m = tmf::load_mbht(dir, ds, device);
  const std::string split = split_opt ? *split_opt : m.training.is_object() ? m.training.value("split", "default") : "default";
  auto ev = tmf::evaluate_mbht(m, ds, split, cands, part, 256, tmf::cli::terminal_progress(true));
  std::printf("MBHT HitRate@1 on %s (split '%s', candidates '%s'): %.4f (%lld / %lld)\n", part.c_str(), split.c_str(),
              cands.c_str(), ev.hit_rate(), (long long)ev.hits, (long long)ev.rows);
  return 0;
}

int run_mbht(tmf::cli::Args& args) {
  auto sub = args.subcommand();
  TMF_CHECK(sub.has_value(), "usage: tmf mbht train|eval --dataset FILE ...");
  if (*sub == "train") return mbht_train(args);
  if (*sub == "eval") return mbht_eval(args);
  tmf::fail("unknown mbht subcommand '", *sub, "' (expected train or eval)");
}

tmf::cli::Register reg("mbht", "MBHT graph encoder / baseline: train, eval (HitRate@1)", run_mbht);
}  // namespace
