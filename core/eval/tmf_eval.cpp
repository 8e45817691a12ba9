#include "eval/tmf_eval.h"

#include <chrono>

#include "tmf/answer_decoding.h"
#include "util/error.h"

namespace tmf {

EvalResult evaluate_tmf(TmfModel& model, const std::vector<TmfExample>& examples, const EvalOptions& o,
                        const Progress& progress) {
  auto t0 = std::chrono::steady_clock::now();
  torch::NoGradGuard ng;
  model.llm()->eval();
  model.set_heads_training(false);
  const Task task = hardest_task(model.level());
  DecodeOptions dopts;
  dopts.mode = o.decode;
  dopts.max_new_tokens = o.max_new_tokens;
  EvalResult res;
  const size_t step = size_t(std::max<int64_t>(1, o.batch));
  for (size_t start = 0; start < examples.size(); start += step) {
    const size_t end = std::min(examples.size(), start + step);
    std::vector<TmfExample> chunk(examples.begin() + long(start), examples.begin() + long(end));
    TmfBatch batch = model.build(chunk, task, std::vector<int>(chunk.size(), o.template_id), /*with_answer=*/false);
    auto answers = decode_answers(model, batch, chunk, dopts);
    for (size_t i = 0; i < chunk.size(); ++i) {
      res.stats.add(answers[i].match, chunk[i].truth);
      res.rows.push_back(EvalRow{answers[i].output, answers[i].choice(), chunk[i].truth});
    }
    progress.report(std::string("eval:") + decode_mode_name(o.decode), double(end), double(examples.size()));
  }
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace tmf
