#include "eval/tmf_eval.h"

#include <chrono>

#include "llm/candidate_decoding.h"
#include "util/error.h"

namespace tmf {

EvalResult evaluate_tmf(TmfModel& model, const std::vector<TmfExample>& examples, const EvalOptions& o,
                        const Progress& progress) {
  TMF_CHECK(o.decode == "free" || o.decode == "constrained" || o.decode == "likelihood", "unknown decoding mode '",
            o.decode, "' (expected free, constrained or likelihood)");
  auto t0 = std::chrono::steady_clock::now();
  torch::NoGradGuard ng;
  model.llm()->eval();
  model.set_heads_training(false);
  const Task task = hardest_task(model.level());
  EvalResult res;
  auto names_of = [&](const TmfExample& ex) {
    std::vector<std::string> names;
    for (int64_t c : ex.candidates) names.push_back(model.names().item(c));
    return names;
  };
  const int64_t step = o.decode == "free" ? std::max<int64_t>(1, o.batch) : 1;
  for (size_t start = 0; start < examples.size(); start += size_t(step)) {
    const size_t end = std::min(examples.size(), start + size_t(step));
    std::vector<TmfExample> chunk(examples.begin() + long(start), examples.begin() + long(end));
    TmfBatch batch = model.build(chunk, task, std::vector<int>(chunk.size(), o.template_id), /*with_answer=*/false);
    if (o.decode == "free") {
      auto outs = model.generate(batch, o.max_new_tokens);
      for (size_t i = 0; i < chunk.size(); ++i) {
        AnswerMatch m = match_answer(outs[i], names_of(chunk[i]));
        res.stats.add(m, chunk[i].truth);
        res.rows.push_back(EvalRow{outs[i], m.choice(), chunk[i].truth});
      }
    } else {
      const TmfExample& ex = chunk[0];
      std::vector<std::vector<int64_t>> cand_ids;
      auto names = names_of(ex);
      for (auto& n : names) {
        auto ids = model.tokenizer().encode(n);
        cand_ids.emplace_back(ids.begin(), ids.end());
      }
      // The batch of one is left-padded to itself: its embeddings are the prompt.
      auto prompt = Prompt::from_embeds(batch.embeds);
      int choice = -1;
      if (o.decode == "constrained") {
        choice = int(constrained_greedy(*model.llm(), prompt, cand_ids, model.tokenizer().eos_id()).candidate);
      } else {
        ScoreOptions so;
        so.append_eos = true;
        so.eos_id = model.tokenizer().eos_id();
        auto scores = score_candidates(*model.llm(), prompt, cand_ids, so);
        double best = -1e300;
        for (size_t c = 0; c < scores.size(); ++c)
          if (scores[c].sum_logprob > best) best = scores[c].sum_logprob, choice = int(c);
      }
      AnswerMatch m;
      if (choice >= 0) m.named = {choice};
      res.stats.add(m, ex.truth);
      res.rows.push_back(EvalRow{choice >= 0 ? names[size_t(choice)] : "", choice, ex.truth});
    }
    progress.report("eval:" + o.decode, double(end), double(examples.size()));
  }
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace tmf
