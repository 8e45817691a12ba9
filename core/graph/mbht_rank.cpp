// MBHT candidate scoring and HitRate@1.
#include "graph/mbht_rank.h"

#include "util/error.h"

namespace tmf {

MbhtBatch encode_histories(const MbhtModel& m, const std::vector<const std::vector<Event>*>& histories) {
  const int64_t B = int64_t(histories.size()), L = m.config.max_len - 1;
  torch::Tensor items = torch::zeros({B, L}, torch::kInt64), beh = torch::zeros({B, L}, torch::kInt64);
  torch::Tensor valid = torch::zeros({B, L}, torch::kBool);
  auto ia = items.accessor<int64_t, 2>();
  auto ba = beh.accessor<int64_t, 2>();
  auto va = valid.accessor<bool, 2>();
  for (int64_t b = 0; b < B; ++b) {
    const auto& h = *histories[size_t(b)];
    const int64_t n = std::min<int64_t>(int64_t(h.size()), L);
    for (int64_t j = 0; j < n; ++j) {
      const Event& e = h[h.size() - size_t(n) + size_t(j)];
      const int64_t t = L - n + j;
      ia[b][t] = m.vocab.item_row(e.item_id);
      ba[b][t] = m.vocab.behavior_row(e.behavior_id);
      va[b][t] = true;
    }
  }
  return {items, beh, valid};
}

std::vector<std::vector<float>> score_candidates(const MbhtModel& m,
                                                 const std::vector<const std::vector<Event>*>& histories,
                                                 const std::vector<std::vector<int64_t>>& candidates) {
  TMF_CHECK(histories.size() == candidates.size(), "score_candidates: ", histories.size(), " histories but ",
            candidates.size(), " candidate lists");
  std::vector<std::vector<float>> out(histories.size());
  if (histories.empty()) return out;
  torch::NoGradGuard no_grad;
  Mbht mod = m.module;  // shares the module; the holder of a const model is const
  const bool was_training = mod->is_training();
  mod->eval();
  const torch::Device dev = mod->item_embeddings->weight.device();
  MbhtBatch batch = encode_histories(m, histories);
  torch::Tensor logits = mod->score_last(batch.items.to(dev), batch.behaviors.to(dev), batch.valid.to(dev))
                             .to(torch::kCPU, torch::kFloat32).contiguous();  // (B, N)
  if (was_training) mod->train();
  auto la = logits.accessor<float, 2>();
  for (size_t b = 0; b < histories.size(); ++b) {
    out[b].reserve(candidates[b].size());
    for (int64_t item : candidates[b]) out[b].push_back(la[int64_t(b)][m.vocab.item_row(item) - 1]);
  }
  return out;
}

std::vector<float> score_candidates(const MbhtModel& m, const std::vector<Event>& history,
                                    const std::vector<int64_t>& candidates) {
  return score_candidates(m, {&history}, {candidates})[0];
}

RankEval evaluate_mbht(const MbhtModel& m, const EvaluationRows& rows, int64_t batch_size, const Progress& progress) {
  TMF_CHECK(batch_size > 0, "evaluate_mbht: batch_size must be positive, got ", batch_size);
  RankEval ev;
  const size_t n = rows.rows.size();
  for (size_t at = 0; at < n; at += size_t(batch_size)) {
    const size_t end = std::min(n, at + size_t(batch_size));
    std::vector<const std::vector<Event>*> hs;
    std::vector<std::vector<int64_t>> cs;
    for (size_t i = at; i < end; ++i) {
      hs.push_back(&rows.rows[i].history);
      cs.push_back(rows.candidates[i].items);
    }
    auto scores = score_candidates(m, hs, cs);
    for (size_t i = at; i < end; ++i) {
      ev.rows++;
      ev.hits += is_rank_hit(scores[i - at], rows.candidates[i].truth_pos);
    }
    progress.report("eval:mbht", double(end), double(n));
  }
  return ev;
}

RankEval evaluate_mbht(const MbhtModel& m, const Dataset& ds, const std::string& split, const std::string& candidates,
                       const std::string& part, int64_t batch_size, const Progress& progress) {
  return evaluate_mbht(m, load_evaluation_rows(ds, split, candidates, part), batch_size, progress);
}

}  // namespace tmf
