// tmf mbht: the MBHT graph encoder / baseline (Yang et al., KDD'22; TMF paper §3.3).
// Options: the Specs below (`tmf mbht train --help`, `tmf mbht eval --help`).
// --threads: CPU intra-op threads, default 1: MBHT's tensors are tiny (B x 21 x 64) and on a busy
// 2-core machine OpenMP's spinning barriers made 2 threads 8x slower than 1 (26 s vs 3 s an epoch).
#include <torch/torch.h>

#include <cstdio>
#include <sstream>

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
  if (n == 0) tmf::init_torch_threads();
  else at::set_num_threads(n);
}

std::string text_of(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

const tmf::cli::Spec train_spec =
    tmf::cli::Spec("mbht train", "train the MBHT graph encoder / baseline on a dataset's split")
        .describe(
            "Trains on the split's training examples, prints validation HitRate@1 per epoch, keeps the best epoch, "
            "saves the model folder (model.safetensors + config.json) and writes the item / behavior embeddings "
            "into the dataset's cache ('mbht-item', 'mbht-behavior').")
        .required("dataset", "FILE", "dataset file (.tmfdb)")
        .text("split", "NAME", "default", "the split to train on")
        .text("candidates", "NAME", "default", "validation candidate set for early stopping")
        .text("out", "DIR", "", "model folder to write")
        .computed_default("FILE.mbht beside the dataset")
        .integer("epochs", "50", 1, 1000000, "epochs at most")
        .integer("patience", "10", 1, 1000000, "stop after this many epochs without a better validation HitRate@1")
        .integer("seed", "0", 0, 1LL << 62, "random seed")
        .integer("batch-size", "64", 1, 1 << 20, "examples per batch")
        .number("lr", "1e-3", 1e-12, 10.0, "learning rate")
        .number("dropout", "", 0.0, 0.99, "dropout")
        .computed_default(text_of(tmf::MbhtConfig().dropout))
        .integer("hidden", "", 1, 1 << 16, "hidden size")
        .computed_default(text_of(double(tmf::MbhtConfig().hidden)))
        .integer("topk", "", 1, 1 << 16, "hypergraph neighbours per item")
        .computed_default(text_of(double(tmf::MbhtConfig().hyper_topk)))
        .device("cpu")
        .integer("threads", "1", 0, 4096, "CPU intra-op threads (0: every core; tiny tensors: 1 is fastest)")
        .flag("quiet", "no progress output")
        .example("tmf mbht train --dataset data/worlds/demo/pets.tmfdb --epochs 20");

const tmf::cli::Spec eval_spec =
    tmf::cli::Spec("mbht eval", "HitRate@1 of a trained MBHT model on a stored candidate set")
        .required("dataset", "FILE", "dataset file (.tmfdb)")
        .required("model", "DIR", "MBHT model folder (tmf mbht train)")
        .text("split", "NAME", "", "the split")
        .computed_default("the split the model was trained on")
        .text("candidates", "NAME", "default", "the stored candidate set")
        .choice("part", {"test", "valid"}, "test", "which split rows to evaluate")
        .device("cpu")
        .integer("threads", "1", 0, 4096, "CPU intra-op threads (0: every core)")
        .example("tmf mbht eval --dataset pets.tmfdb --model pets.tmfdb.mbht");

int mbht_train(tmf::cli::Args& args) {
  const std::string path = args.req("dataset");
  tmf::MbhtTrainOptions opts;
  opts.split = args.get("split");
  opts.candidates = args.get("candidates");
  const std::string out = args.get("out", path + ".mbht");
  opts.epochs = args.get_int("epochs");
  opts.seed = uint64_t(args.get_int("seed"));
  opts.batch_size = args.get_int("batch-size");
  opts.learning_rate = args.get_double("lr");
  opts.patience = args.get_int("patience");
  const std::string device = tmf::resolve_device(args.get("device"));
  tmf::MbhtConfig cfg;
  cfg.dropout = args.get_double("dropout", cfg.dropout);
  cfg.hidden = args.get_int("hidden", cfg.hidden);
  cfg.hyper_topk = args.get_int("topk", cfg.hyper_topk);
  const bool quiet = args.flag("quiet");
  const int threads = int(args.get_int("threads"));
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
  const std::string part = args.get("part");
  const std::string cands = args.get("candidates");
  const std::string device = tmf::resolve_device(args.get("device"));
  std::optional<std::string> split_opt = args.opt("split");
  const int threads = int(args.get_int("threads"));
  set_threads(threads);
  tmf::Dataset ds = tmf::Dataset::open(path, /*read_only=*/true);
  tmf::MbhtModel m = tmf::load_mbht(dir, ds, device);
  const std::string split = split_opt ? *split_opt : m.training.is_object() ? m.training.value("split", "default") : "default";
  auto ev = tmf::evaluate_mbht(m, ds, split, cands, part, 256, tmf::cli::terminal_progress(true));
  std::printf("MBHT HitRate@1 on %s (split '%s', candidates '%s'): %.4f (%lld / %lld)\n", part.c_str(), split.c_str(),
              cands.c_str(), ev.hit_rate(), (long long)ev.hits, (long long)ev.rows);
  return 0;
}

tmf::cli::RegisterGroup group("mbht", "the MBHT graph encoder / baseline (Yang et al., KDD'22): train, eval");
tmf::cli::Register reg_train(train_spec, mbht_train);
tmf::cli::Register reg_eval(eval_spec, mbht_eval);
}  // namespace
