// One interface for every recommender of TMF's Table 2 (paper §5, design/references.md): a model
// is created by kind, trained on a dataset split (early stopping on the validation part of the
// stored candidate set), scores candidate sets, is evaluated on a stored candidate set with the
// protocol of the paper (HitRate@1 over all rows and ValidRatio), and is saved to / loaded from a
// directory as safetensors (weights) + JSON (config.json: kind, settings, vocabulary, dataset hash,
// training summary); never pickle.
//
// Kinds: pop (MostPop, a reference row), gru4rec, sasrec, bert4rec (sequential, RecBole defaults),
// mbgcn, mbrec (multi-behavior graph), mbht (core/graph), text-llm (the TMF pipeline at
// AblationLevel::Text) and llara.
// Ranking models are always valid (n_valid = n); a row is a hit when the truth has the strictly
// highest score among its candidates (ties count against the model).
// Torch-free: the views and the CLI list kinds and settings without LibTorch.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "data/split.h"
#include "prompt/answer_match.h"
#include "tmf/decode_mode.h"
#include "util/progress.h"

namespace tmf {

struct RecTrainOptions {
  std::string split = "default";
  std::string candidates = "default";  // validation candidates (early stopping)
  uint64_t seed = 0;
  std::string device = "cpu";
  std::string work_dir;                // scratch space for models with stages (LLM baselines)
};

struct RecEvalOptions {
  std::string split = "default";
  std::string candidates = "default";
  std::string part = "test";
  DecodeMode decode = DecodeMode::Free;  // LLM baselines (tmf/decode_mode.h)
  int64_t limit = 0;                   // > 0: only the first rows (LLM baselines on the CPU)
};

struct RecEvalResult {
  HitStats stats;
  double seconds = 0;
};

class Recommender {
 public:
  virtual ~Recommender() = default;
  virtual std::string kind() const = 0;
  virtual bool is_ranking() const { return true; }  // false: generates answers (ValidRatio < 1)
  // Every setting (published defaults merged with overrides), as saved in config.json.
  virtual nlohmann::json settings() const = 0;
  // Training summary (epochs, best validation HR@1, seconds...); null before training.
  virtual nlohmann::json training() const = 0;

  virtual void train(Dataset& ds, const RecTrainOptions& opts, const Progress& progress = {}) = 0;
  // One score per candidate of each row (higher = more likely the next target-behavior item).
  virtual std::vector<std::vector<float>> score(const std::vector<const SplitRow*>& rows,
                                                const std::vector<std::vector<int64_t>>& candidates) = 0;
  // HitRate@1 / ValidRatio on a stored candidate set. Default: rank the candidates by score().
  virtual RecEvalResult evaluate(const Dataset& ds, const RecEvalOptions& opts, const Progress& progress = {});

  virtual void save(const std::string& dir) const = 0;
  // Loads DIR, written by save() of the same kind, for `ds` (fails for another dataset).
  virtual void load(const std::string& dir, Dataset& ds) = 0;
  // A hash of settings and weights (EvalRun::model_hash).
  virtual std::string model_hash() const = 0;
};

// Baseline kinds in Table 2 order (make_recommender also accepts "tmf": TMF itself through the
// same pipeline, text_llm.h).
const std::vector<std::string>& recommender_kinds();
bool is_ranking_kind(const std::string& kind);
// A fresh, untrained model; `overrides` replace published defaults by key (unknown keys fail).
std::unique_ptr<Recommender> make_recommender(const std::string& kind, const nlohmann::json& overrides = {});
// The published defaults of a kind (what make_recommender uses without overrides).
nlohmann::json recommender_defaults(const std::string& kind);
// Loads a saved model of any kind (config.json names it).
std::unique_ptr<Recommender> load_recommender(const std::string& dir, Dataset& ds);

// Applies `overrides` on `defaults` key by key; a key absent from defaults fails naming the kind.
nlohmann::json merge_settings(const nlohmann::json& defaults, const nlohmann::json& overrides, const std::string& kind);

}  // namespace tmf
