// TmfModel::build: the phases of tmf_batch.h.
#include "tmf/tmf_batch.h"

#include <algorithm>

#include "tmf/tmf_model.h"
#include "util/error.h"

namespace tmf {
namespace {

// Phase 1 for one example: token ids, labels (-100 on the prompt) and placeholders.
struct TokenRow {
  std::vector<int64_t> ids, labels;
  std::vector<std::pair<int, PlaceholderRef>> placeholders;  // (position before padding, reference)
};

// The last `keep` steps of each history (all when keep <= 0 or no history is longer).
std::vector<TmfExample> last_steps(const std::vector<TmfExample>& examples, int64_t keep) {
  std::vector<TmfExample> out = examples;
  if (keep <= 0) return out;
  for (auto& t : out) {
    const size_t n = t.history_items.size();
    if (int64_t(n) <= keep) continue;
    const long drop = long(n) - long(keep);
    t.history_items.erase(t.history_items.begin(), t.history_items.begin() + drop);
    t.history_behaviors.erase(t.history_behaviors.begin(), t.history_behaviors.begin() + drop);
    if (!t.hide_name.empty()) t.hide_name.erase(t.hide_name.begin(), t.hide_name.begin() + std::min<long>(drop, long(t.hide_name.size())));
  }
  return out;
}

}  // namespace

TmfBatch TmfModel::build(const std::vector<TmfExample>& all_examples, Task task, const std::vector<int>& templates,
                         bool with_answer) {
  TMF_CHECK(!all_examples.empty(), "empty batch");
  const std::vector<TmfExample> examples = last_steps(all_examples, max_history_);
  TMF_CHECK(templates.size() == examples.size(), templates.size(), " templates for ", examples.size(), " examples");
  TMF_CHECK(int(task) <= int(hardest_task(level_)), "task ", task_name(task), " needs more than ablation level ",
            level_name(level_));
  const auto dev = device();
  const int64_t B = int64_t(examples.size()), C = llm_->config.hidden_size;
  TmfBatch batch;

  // 1. Prompts.
  std::vector<TokenRow> rows(static_cast<size_t>(B));
  const int64_t eos = tok_.eos_id();
  for (int64_t b = 0; b < B; ++b) {
    const auto& ex = examples[size_t(b)];
    PromptInput in = prompt_input(ex, names_, candidate_kinds_);
    in.item_token_first = item_token_first_;
    HybridPrompt p = build_prompt(in, task, templates[size_t(b)]);
    if (!behavior_tokens_) {  // behaviors stay words
      std::vector<PromptPart> parts;
      for (auto& part : p.parts)
        if (!(part.is_placeholder && part.ref.kind == PlaceholderRef::Kind::Behavior)) parts.push_back(std::move(part));
      p.parts = std::move(parts);
    }
    TokenizedPrompt tp = tokenize_prompt(p, tok_, item_token_, behavior_token_);
    TokenRow& r = rows[size_t(b)];
    r.ids.assign(tp.ids.begin(), tp.ids.end());
    r.labels.assign(r.ids.size(), -100);
    if (with_answer) {
      TMF_CHECK(ex.truth >= 0 && size_t(ex.truth) < ex.candidates.size(), "training example without a truth");
      for (int id : tok_.encode(answer_text(ex.candidates[size_t(ex.truth)]))) {
        r.ids.push_back(id);
        r.labels.push_back(id);
      }
      r.ids.push_back(eos);
      r.labels.push_back(eos);
    }
    r.placeholders = tp.placeholders;
    batch.prompt_ids.push_back(tp.ids);
    batch.prompts.push_back(std::move(p));
    batch.history_len.push_back(int64_t(ex.history_items.size()));
  }

  // 2. Padding (left) and placeholder slots.
  int64_t T = 0;
  for (auto& r : rows) T = std::max<int64_t>(T, int64_t(r.ids.size()));
  const int64_t H = *std::max_element(batch.history_len.begin(), batch.history_len.end());
  auto ids = torch::zeros({B, T}, torch::kInt64);
  auto mask = torch::zeros({B, T}, torch::kInt64);
  auto lab = torch::full({B, T}, -100, torch::kInt64);
  auto copy = torch::full({B, T}, -1, torch::kInt64);
  auto ids_a = ids.accessor<int64_t, 2>(), mask_a = mask.accessor<int64_t, 2>(), lab_a = lab.accessor<int64_t, 2>();
  auto copy_a = copy.accessor<int64_t, 2>();
  const int64_t vocab = llm_->config.vocab_size;
  PlaceholderSlots slots;
  int64_t first_candidate = 0;  // of row b in the flat candidate list
  for (int64_t b = 0; b < B; ++b) {
    const TokenRow& r = rows[size_t(b)];
    const int64_t offset = T - int64_t(r.ids.size());
    for (size_t t = 0; t < r.ids.size(); ++t) {
      // Added placeholder ids lie past the embedding table: embed them as 0, their rows are replaced.
      ids_a[b][offset + int64_t(t)] = r.ids[t] >= vocab ? 0 : r.ids[t];
      mask_a[b][offset + int64_t(t)] = 1;
      lab_a[b][offset + int64_t(t)] = r.labels[t];
      if (r.labels[t] == -100 && r.ids[t] < vocab) copy_a[b][offset + int64_t(t)] = r.ids[t];
    }
    for (auto& ph : r.placeholders) copy_a[b][offset + ph.first] = -1;
    for (auto& [pos, ref] : r.placeholders) {
      const int64_t at = offset + pos;
      switch (ref.kind) {
        case PlaceholderRef::Kind::Behavior: slots.behavior.add(b, at, ref.behavior_id); break;
        case PlaceholderRef::Kind::HistoryItem: slots.history.add(b, at, b * H + ref.index); break;
        case PlaceholderRef::Kind::CandidateItem: slots.candidate.add(b, at, first_candidate + ref.index); break;
      }
    }
    first_candidate += int64_t(examples[size_t(b)].candidates.size());
  }
  batch.mask = mask.to(dev);
  batch.labels = lab.to(dev);
  batch.copy.ids = copy.to(dev);

  // 3. Token embeddings.
  auto embeds = llm_->embed(ids.to(dev));  // (B, T, C)

  // 4. Placeholder values, in the order of `placed`.
  std::vector<torch::Tensor> values;
  std::vector<const PlaceholderSlots::Kind*> placed;
  auto on_dev = [&](const std::vector<int64_t>& v) { return torch::tensor(v, torch::kInt64).to(dev); };
  if (task != Task::Easy && !slots.behavior.empty()) {
    auto beh = features_.behavior.to(dev).index_select(0, features_.behavior_rows(slots.behavior.src).to(dev));  // (n, Dg)
    values.push_back(heads_->behavior_adaptor(beh));  // (n, C), heads run in float32
    placed.push_back(&slots.behavior);
  }
  if (task == Task::Hard) {
    // History items: the fusion module over each user's sequence, padded to the longest history.
    std::vector<int64_t> hid(size_t(B * H), examples[0].history_items[0]);
    auto hmask = torch::zeros({B, H}, torch::kBool);
    for (int64_t b = 0; b < B; ++b)
      for (int64_t t = 0; t < batch.history_len[size_t(b)]; ++t) {
        hid[size_t(b * H + t)] = examples[size_t(b)].history_items[size_t(t)];
        hmask[b][t] = true;
      }
    std::vector<int64_t> cid;
    for (const auto& ex : examples) cid.insert(cid.end(), ex.candidates.begin(), ex.candidates.end());
    const auto n = int64_t(cid.size());
    torch::Tensor hist_tokens, cand_tokens;  // (B, H, C), (n, C)
    if (item_source_.embed) {
      hist_tokens = item_source_.embed(hid).view({B, H, C});
      cand_tokens = item_source_.embed(cid);
    } else {
      auto hrows = features_.item_rows(hid).to(dev);
      auto img = features_.image.to(dev).index_select(0, hrows).view({B, H, -1});  // (B, H, Di)
      auto txt = features_.text.to(dev).index_select(0, hrows).view({B, H, -1});   // (B, H, Dt)
      auto gr = features_.graph.to(dev).index_select(0, hrows).view({B, H, -1});   // (B, H, Dg)
      batch.fusion = heads_->fusion(img, txt, gr, hmask.to(dev));
      hist_tokens = heads_->item_adaptor(batch.fusion.items);
      auto crows = features_.item_rows(cid).to(dev);
      auto cimg = features_.image.to(dev).index_select(0, crows).view({n, 1, -1});  // (n, 1, Di)
      auto ctxt = features_.text.to(dev).index_select(0, crows).view({n, 1, -1});   // (n, 1, Dt)
      auto cgr = features_.graph.to(dev).index_select(0, crows).view({n, 1, -1});   // (n, 1, Dg)
      auto cmask = torch::ones({n, 1}, torch::TensorOptions().dtype(torch::kBool).device(dev));
      if (candidates_in_context_) {
        // Each candidate after its user's history: the fusion module runs over (history, candidate)
        // and the candidate's row is its item token, so the token says how the candidate relates
        // to what the user did (AMSA/CMA weights of that row over the history).
        std::vector<int64_t> owner;  // (n) the example of each candidate
        for (int64_t b = 0; b < B; ++b) owner.insert(owner.end(), examples[size_t(b)].candidates.size(), b);
        auto ob = on_dev(owner);
        cimg = torch::cat(std::vector<torch::Tensor>{img.index_select(0, ob), cimg}, 1);  // (n, H+1, Di)
        ctxt = torch::cat(std::vector<torch::Tensor>{txt.index_select(0, ob), ctxt}, 1);  // (n, H+1, Dt)
        cgr = torch::cat(std::vector<torch::Tensor>{gr.index_select(0, ob), cgr}, 1);     // (n, H+1, Dg)
        cmask = torch::cat(std::vector<torch::Tensor>{hmask.to(dev).index_select(0, ob), cmask}, 1);  // (n, H+1)
      }
      // Otherwise each candidate is a sequence of one (its AMSA/CMA weights are trivially 1).
      auto cf = heads_->fusion(cimg, ctxt, cgr, cmask);
      cand_tokens = heads_->item_adaptor(cf.items.select(1, cf.items.size(1) - 1));  // (n, C)
    }
    batch.history_tokens = hist_tokens.view({B, H, C});
    batch.history_mask = hmask.to(dev);
    batch.candidate_tokens = cand_tokens;
    if (!slots.history.empty()) {
      values.push_back(hist_tokens.reshape({B * H, C}).index_select(0, on_dev(slots.history.src)));
      placed.push_back(&slots.history);
    }
    if (!slots.candidate.empty()) {
      values.push_back(cand_tokens.index_select(0, on_dev(slots.candidate.src)));
      placed.push_back(&slots.candidate);
    }
  }

  // 5. Scatter.
  if (!values.empty()) {
    std::vector<int64_t> bi, ti;
    for (const auto* k : placed) {
      bi.insert(bi.end(), k->row.begin(), k->row.end());
      ti.insert(ti.end(), k->pos.begin(), k->pos.end());
    }
    auto src = torch::cat(values, 0).to(embeds.dtype());  // (n, C)
    embeds = embeds.index_put({on_dev(bi), on_dev(ti)}, src);
  }
  batch.embeds = embeds;
  return batch;
}

}  // namespace tmf
