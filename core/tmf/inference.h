// The inference API of TMF for the app and `tmf infer` (torch-free header: views include it).
//
// An InferenceSession holds one loaded model package (tmf/tmf_package.h) checked against the open
// dataset. run() takes a composed sequence of (item, behavior) steps — items may be new ones with
// their own image and text, embedded on the fly by the package's CLIP encoders — a target behavior
// and a candidate list, and returns everything an analyst inspects: the hybrid prompt with its
// placeholders, the generated answer, the matched candidate and validity, a score per candidate,
// the AMSA and CMA attention weights per head (paper Eq. 6-8), and timings.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "prompt/hybrid_prompt.h"
#include "tmf/decode_mode.h"
#include "util/progress.h"

namespace tmf {

class Dataset;

// An item that is not in the dataset (an analyst's synthetic item). Referred to by its id, which
// must be negative so it can never clash with a dataset item.
struct NewItem {
  int64_t id = -1;
  std::string name;
  std::string text;                  // the item's description (CLIP text input)
  std::vector<unsigned char> image;  // encoded PNG/JPEG; empty = no image (zero image embedding)
};

struct InferenceRequest {
  std::vector<int64_t> history_items;      // dataset item ids or NewItem ids, oldest first
  std::vector<int64_t> history_behaviors;  // dataset behavior ids, one per history item
  int64_t target_behavior = 0;
  std::vector<int64_t> candidates;         // dataset item ids or NewItem ids, presentation order
  std::vector<NewItem> new_items;
  int expected = -1;                       // index into candidates the analyst expects, or -1
  DecodeMode decode = DecodeMode::Free;    // tmf/decode_mode.h
  int template_id = 0;
  int64_t max_new_tokens = 48;
};

// One attention weight tensor (heads, rows, cols), row-major; each row sums to 1 over the
// sequence's items. Rows and columns are the history steps the model saw, oldest first: steps
// history_offset .. n-1 of the request (InferenceResult::history_offset).
struct AttentionMap {
  std::string name;  // "amsa" (W_att, Eq. 6), "cma_ext" (W_ext, Eq. 7), "cma_img" (W_image, Eq. 8)
  int64_t heads = 0, rows = 0, cols = 0;
  std::vector<float> weights;
  float at(int64_t h, int64_t r, int64_t c) const { return weights[size_t((h * rows + r) * cols + c)]; }
  std::vector<float> head_mean() const;  // (rows, cols), the mean over heads
};

struct InferenceTimings {
  double prepare_ms = 0;   // new-item embeddings, prompt building and tokenizing
  double fusion_ms = 0;    // fusion module and adaptors
  double generate_ms = 0;  // decoding
  double score_ms = 0;     // per-candidate likelihoods
  double total_ms = 0;
};

struct InferenceResult {
  HybridPrompt prompt;                 // parts with placeholders marked (render() for the text)
  std::string prompt_text;             // prompt.render()
  int64_t prompt_tokens = 0;
  std::string level;                   // the model's ablation level
  std::string task;                    // the curriculum variant used: easy | medium | hard
  DecodeMode decode = DecodeMode::Free;
  std::string generated;               // decoded answer (free), or the chosen candidate's name
  int matched = -1;                    // candidate index the answer names, -1 when invalid
  bool valid = false;
  int expected = -1;                   // copied from the request
  std::vector<std::string> candidate_names;
  // Mean log-probability per answer token of each candidate's name after the prompt; the
  // softmax of the summed log-likelihoods over the candidates gives `candidate_probs`.
  std::vector<double> candidate_scores;
  std::vector<double> candidate_probs;
  std::vector<AttentionMap> attention;  // empty for levels without item tokens (text, behavior)
  int64_t history_offset = 0;           // oldest request steps left out of the prompt (the model's
                                        // prompts keep the last ModelSummary::max_history steps)
  std::string device;
  InferenceTimings timings;
};

struct ModelSummary {
  std::string package_dir;
  std::string level;
  int64_t fusion_heads = 0;
  int64_t max_history = 0;   // history steps a prompt keeps (the last ones); 0 = all
  std::string dataset_name;
  std::string backbone;      // "in package" or the referenced checkpoint
  int64_t parameters = 0;    // backbone + heads
  bool can_embed_new_items = false;  // the package carries its CLIP encoders
  std::string device;        // "cpu" or "cuda:0 (NVIDIA H100 ...)"
};

class InferenceSession {
 public:
  // Loads the package at `package_dir` for `dataset` (content hashes must match) on `device`
  // ("cpu", "cuda", "cuda:N", or "auto" = CUDA when available). Throws tmf::Error with a clear
  // message for a missing, corrupt or foreign package.
  static std::unique_ptr<InferenceSession> open(const std::string& package_dir, const Dataset& dataset,
                                                const std::string& device = "auto",
                                                const Progress& progress = {});
  ~InferenceSession();
  InferenceSession(const InferenceSession&) = delete;
  InferenceSession& operator=(const InferenceSession&) = delete;

  const ModelSummary& summary() const;
  // Validates the request (unknown ids, missing behaviors, empty candidates, ... -> tmf::Error
  // naming the offending value) and runs it. Thread-compatible: one run at a time per session.
  InferenceResult run(const InferenceRequest& request, const Progress& progress = {});

 private:
  struct Impl;
  explicit InferenceSession(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// JSON of a result (for `tmf infer --json` and exports).
std::string inference_result_json(const InferenceResult& r, int indent = 2);

// Whether this build can use a CUDA device, and its name ("" when none).
std::string cuda_device_name();

}  // namespace tmf
