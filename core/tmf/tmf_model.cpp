#include "tmf/tmf_model.h"

#include <algorithm>

#include "llm/answer_loss.h"
#include "llm/generate.h"
#include "util/error.h"

namespace tmf {

TmfModel::TmfModel(Llama llm, Tokenizer tok, ItemFeatures features, NameBook names, AblationLevel level,
                   int64_t fusion_heads)
    : llm_(std::move(llm)), tok_(std::move(tok)), features_(std::move(features)), names_(std::move(names)), level_(level) {
  FusionConfig fc;
  fc.image_dim = features_.image.size(1);
  fc.text_dim = features_.text.size(1);
  fc.graph_dim = features_.graph.size(1);
  TMF_CHECK(features_.behavior.size(1) == fc.graph_dim, "behavior embeddings have width ", features_.behavior.size(1),
            ", item graph embeddings ", fc.graph_dim);
  fc.heads = fusion_heads;
  fc.use_cma = level_ == AblationLevel::Cma;
  heads_ = TmfHeads(fc, llm_->config.hidden_size);
  item_token_ = tok_.add_special_token(kItemToken);
  behavior_token_ = tok_.add_special_token(kBehaviorToken);
  heads_->to(llm_->device());
}

TmfModel::TmfModel(Llama llm, Tokenizer tok, NameBook names, ItemTokenSource items)
    : llm_(std::move(llm)), tok_(std::move(tok)), names_(std::move(names)), level_(AblationLevel::Cma),
      item_source_(std::move(items)), behavior_tokens_(false) {
  TMF_CHECK(item_source_.embed && item_source_.module, "an item token source needs a function and its module");
  item_token_ = tok_.add_special_token(kItemToken);
  behavior_token_ = tok_.add_special_token(kBehaviorToken);
  item_source_.module->to(llm_->device());
}

std::vector<torch::Tensor> TmfModel::head_parameters() const {
  return heads_ ? heads_->parameters() : item_source_.module->parameters();
}

void TmfModel::set_heads_training(bool on) {
  if (heads_) heads_->train(on);
  if (item_source_.module) item_source_.module->train(on);
}

std::vector<int64_t> TmfModel::banned_ids() const {
  std::vector<int64_t> out;
  for (int id : tok_.special_ids())
    if (id < llm_->config.vocab_size) out.push_back(id);
  // Rows of the embedding table that the tokenizer never produces cannot be decoded either.
  for (int64_t id = tok_.vocab_size(); id < llm_->config.vocab_size; ++id) out.push_back(id);
  return out;
}

void TmfModel::to(torch::Device device) {
  llm_->to(device);
  if (heads_) heads_->to(device);
  if (item_source_.module) item_source_.module->to(device);
}

torch::Device TmfModel::device() const { return llm_->device(); }

void TmfModel::set_fusion_residual(bool on) {
  if (heads_) heads_->fusion->cfg.residual = on;
}
bool TmfModel::fusion_residual() const { return heads_ && heads_->fusion->cfg.residual; }
void TmfModel::set_fusion_unit_inputs(bool on) {
  if (heads_) heads_->fusion->cfg.unit_inputs = on;
}
bool TmfModel::fusion_unit_inputs() const { return heads_ && heads_->fusion->cfg.unit_inputs; }

std::string TmfModel::answer_text(int64_t item) const {
  if (!candidate_kinds_) return names_.item(item);
  return answer_form(names_.kind(item), names_.item(item));
}

torch::Tensor TmfModel::loss(const TmfBatch& batch) {
  TMF_CHECK(batch.labels.defined(), "loss needs a batch built with answers");
  return answer_loss(*llm_, batch.embeds, batch.mask, batch.labels, batch.copy);
}

std::vector<std::string> TmfModel::generate(const TmfBatch& batch, int64_t max_new_tokens) {
  GenerateOptions o;
  // An answer is a name: it gets the positions the prompt leaves, up to max_new_tokens.
  const int64_t room = llm_->config.max_position_embeddings - batch.embeds.size(1);
  TMF_CHECK(room >= 1, "the prompt has ", batch.embeds.size(1), " tokens; the backbone has ",
            llm_->config.max_position_embeddings, " positions (max_position_embeddings), which leaves none for the answer");
  o.max_new_tokens = std::min(max_new_tokens, room);
  o.banned_ids = banned_ids();
  o.copy = batch.copy;
  torch::NoGradGuard ng;
  auto out = generate_greedy_embeds(*llm_, batch.embeds, batch.mask, o);
  std::vector<std::string> texts;
  for (auto& ids : out) {
    std::vector<int> v;
    for (int64_t id : ids)
      if (id != tok_.eos_id()) v.push_back(int(id));
    texts.push_back(tok_.decode(v));
  }
  return texts;
}

}  // namespace tmf
