// The copy head of the from-scratch backbone: a pointer-generator output layer (See et al. 2017,
// "Get To The Point", Eq. 8-9) whose pointer works the way an induction head does.
//
// Why: a small decoder trained for minutes on 2 cores learns *which* candidate to name long before
// it learns to copy that candidate's name out of the prompt. Its free answers copy the kind, the
// brand and the line and then recall the code of another catalog item (docs/model-recipe.md), so
// almost no free answer names a candidate. The copy head gives it copying as a mechanism, not as a
// skill to discover. For the state h_t that predicts the next token, over the copyable prompt
// positions j (prompt tokens x_j; not padding, placeholders, the answer or position 0):
//
//   k_j    = W_p h_{j-1} + W_s h_j                        (the context that led to x_j, and x_j)
//   m_t,j  = sum_{l=1..M} w_l [the last l answer tokens equal x_{j-l} .. x_{j-1}]   (match bonus)
//   a_t,j  = softmax_j(q_t . k_j / sqrt(D) + m_t,j),  q_t = W_q h_t
//   c_t    = sum_j a_t,j h_j                              (what the pointer looks at)
//   g_t    = sigmoid(w_g . [h_t ; c_t] + b_g)             (generate vs copy)
//   p(y)   = g_t softmax(W_lm h_t)_y + (1 - g_t) sum_{j : x_j = y} a_t,j
//
// The match bonus is an induction head written out: once the answer has begun to copy a span of
// the prompt, the positions that continue that span get w_1 + ... + w_l for a match of l tokens,
// so copying goes on along the span the answer started (learned weights, trained with the rest).
// Which span to start, and when to stop (the gate sees c_t: pointing at a separator means "the
// name is complete, generate the end"), are learned. The answer is still generated freely, token
// by token, over the whole vocabulary (the paper's mode, §5.1): any token may come out, and
// ValidRatio still counts names that are not candidates.
//
// It is TMF's extension of the Llama backbone (LlamaConfig::copy_head_dim > 0, written
// "tmf_copy_head_dim" / "tmf_copy_match" in config.json; weights "copy_head.*" in
// model.safetensors). A Hugging Face checkpoint has none, and then every function below is the
// plain LM head.
// Dimensions: B prompts, S prompt positions, n query states, C hidden, D head width, V vocabulary,
// M match depth.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <vector>

namespace tmf {

struct LlamaImpl;

// Filler of `recent` past the start of an answer: equal to no prompt token.
constexpr int64_t kNoAnswerToken = -2;

struct CopyHeadImpl : torch::nn::Module {
  CopyHeadImpl(int64_t hidden, int64_t dim, int64_t match_depth, torch::TensorOptions opts = {});
  void init_weights(double std);  // N(0, std) projections, match weights 2, gate bias 0
  torch::nn::Linear query{nullptr};     // (D, C)          W_q
  torch::nn::Linear key_prev{nullptr};  // (D, C)          W_p
  torch::nn::Linear key_self{nullptr};  // (D, C)          W_s
  torch::nn::Linear gate{nullptr};      // (1, 2C) + bias  w_g, b_g
  torch::Tensor match;                  // (M)             w_1 .. w_M
  int64_t dim, depth;
};
TORCH_MODULE(CopyHead);

// What the copy head may copy in a batch of prompts, from the prompt builder.
struct CopyInputs {
  torch::Tensor ids;  // (B, S) int64: the token id where it may be copied, -1 elsewhere
  bool defined() const { return ids.defined(); }
  // Row b's positions [start, start + len) as a batch of one.
  CopyInputs row(int64_t b, int64_t start, int64_t len) const;
};

// What the copy head can point at in a batch of prompts (computed once per prompt).
struct CopySource {
  torch::Tensor keys;    // (B, S, D) float32  k_j
  torch::Tensor values;  // (B, S, C) float32  h_j
  torch::Tensor ids;     // (B, S) int64: x_j, 0 where not copyable
  torch::Tensor valid;   // (B, S) bool: copyable
  torch::Tensor before;  // (B, S, M) int64: x_{j-1-l} for l < M, -1 where there is none
  bool empty() const { return !keys.defined(); }
};

// Prompt hidden states (B, S, C) (final, normed) and what may be copied from them. Empty without a
// copy head or without inputs.
CopySource copy_source(LlamaImpl& model, const torch::Tensor& hidden, const CopyInputs& inputs);

// Next-token log-probabilities (n, V) float32 of final hidden states (n, C): log_softmax of the LM
// head, mixed with the copy distribution over prompt row rows[i] of `source` when the model has a
// copy head and `source` is non-empty (a row with nothing copyable uses the LM head alone).
// rows (n) int64; recent (n, M) int64: the answer tokens up to and including the state's input
// token, the most recent first, kNoAnswerToken past the answer's start (recent_tokens()).
torch::Tensor next_token_log_probs(LlamaImpl& model, const torch::Tensor& hidden, const CopySource* source,
                                   const torch::Tensor& rows, const torch::Tensor& recent);

// `recent` of one state from the answer tokens so far (oldest first), for a model's match depth.
std::vector<int64_t> recent_tokens(const std::vector<int64_t>& answer_so_far, int64_t depth);
// `recent` of every state of a teacher-forced batch: labels (B, T) int64 with -100 outside the
// answers (the token at t is labels[t] inside them) -> (B, T, M) for the state at each t.
torch::Tensor recent_from_labels(const torch::Tensor& labels, int64_t depth);

// The copy ids of left-padded text prompts: ids where mask is 1 and labels is -100 (the prompt,
// not the answer), -1 elsewhere. All (B, T) int64; labels may be undefined (every real token).
torch::Tensor prompt_copy_ids(const torch::Tensor& ids, const torch::Tensor& mask, const torch::Tensor& labels);

}  // namespace tmf
