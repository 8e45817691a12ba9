// tmf infer: one TMF inference with everything the app shows (tmf/inference.h): the hybrid prompt
// with its [MT_i]/[MT_b] placeholders, the answer, the matched candidate and validity, a score per
// candidate, the AMSA/CMA weights per head, timings.
// Options: the Spec below (`tmf infer --help`).
#include <cstdio>

#include "command.h"
#include "data/dataset.h"
#include "llm/device.h"
#include "tmf/inference.h"
#include "tmf/inference_requests.h"
#include "util/error.h"
#include "util/strings.h"

namespace {
using namespace tmf;

void print_text(const InferenceResult& r) {
  std::printf("model level %s, %s prompt, %s decoding, %s\n", r.level.c_str(), r.task.c_str(), decode_mode_name(r.decode),
              r.device.c_str());
  std::printf("\nprompt (%lld tokens):\n%s\n\n", (long long)r.prompt_tokens, r.prompt_text.c_str());
  std::printf("answer: %s\n", r.generated.c_str());
  if (r.valid)
    std::printf("matched candidate %d: %s%s\n", r.matched + 1, r.candidate_names[size_t(r.matched)].c_str(),
                r.expected >= 0 ? (r.matched == r.expected ? "  (the expected answer)" : "  (not the expected answer)") : "");
  else
    std::printf("invalid: the answer names no single candidate\n");
  std::printf("\n  #  prob    mean logp  candidate\n");
  for (size_t c = 0; c < r.candidate_names.size(); ++c)
    std::printf("%3zu  %.4f  %9.3f  %s%s%s\n", c + 1, r.candidate_probs[c], r.candidate_scores[c],
                r.candidate_names[c].c_str(), int(c) == r.matched ? "  <- answer" : "",
                int(c) == r.expected ? "  (expected)" : "");
  for (const auto& m : r.attention) {
    auto mean = m.head_mean();
    std::printf("\n%s attention (mean of %lld heads; rows attend to columns, history steps %lld..%lld):\n",
                m.name.c_str(), (long long)m.heads, (long long)r.history_offset + 1, (long long)(r.history_offset + m.cols));
    for (int64_t i = 0; i < m.rows; ++i) {
      std::printf("  %3lld |", (long long)(r.history_offset + i + 1));
      for (int64_t k = 0; k < m.cols; ++k) std::printf(" %.2f", mean[size_t(i * m.cols + k)]);
      std::printf("\n");
    }
  }
  std::printf("\ntimings: prepare %.1f ms, fusion+prompt %.1f ms, scores %.1f ms, decoding %.1f ms, total %.1f ms\n",
              r.timings.prepare_ms, r.timings.fusion_ms, r.timings.score_ms, r.timings.generate_ms, r.timings.total_ms);
}

const cli::Spec spec =
    cli::Spec("infer", "one TMF inference: prompt, answer, candidate scores, AMSA/CMA attention, timings")
        .describe(
            "The sequence is one of: --user ID (the user's stored split row and candidate set; the truth is the "
            "expected answer); --step ITEM:BEHAVIOR ... --candidate ITEM ... (ITEM an item's external id, "
            "BEHAVIOR a behavior name); or --request FILE.json: {\"history\": [{\"item\": \"...\", \"behavior\": "
            "\"view\"}, ...], \"target\": \"purchase\", \"candidates\": [\"...\"], \"expected\": \"...\", "
            "\"new_items\": [{\"name\": \"...\", \"text\": \"...\", \"image\": \"photo.png\"}]} where items "
            "are new items' names or external ids and image paths are relative to the JSON file.")
        .required("dataset", "FILE", "dataset file (.tmfdb)")
        .required("model", "DIR", "TMF model package (tmf train)")
        .text("user", "ID", "", "a user's external id: infer their stored test (or --part) row")
        .text("split", "NAME", "default", "with --user: the split")
        .text("candidates", "NAME", "default", "with --user: the stored candidate set")
        .choice("part", {"test", "valid"}, "test", "with --user: which row")
        .repeated("step", "ITEM:BEHAVIOR", "a history step, oldest first")
        .repeated("candidate", "ITEM", "with --step: a candidate item")
        .text("target", "BEHAVIOR", "", "with --step: the behavior to predict")
        .computed_default("the dataset's target behavior")
        .text("expected", "ITEM", "", "with --step: the expected answer (marked in the output)")
        .text("request", "FILE", "", "a JSON request (see above)")
        .choice("decode", tmf::decode_mode_names(), "free", "how the answer is decoded (see tmf eval --help)")
        .integer("template", "0", 0, 1000, "prompt template index")
        .device("auto")
        .flag("json", "print the result as JSON (what the app shows)")
        .example("tmf infer --dataset data/worlds/demo/pets.tmfdb --model models/pets --user u12")
        .example("tmf infer --dataset pets.tmfdb --model models/pets --step P001:view --step P002:cart --candidate P003 "
                 "--candidate P004 --json");

int run_infer(cli::Args& a) {
  Dataset ds = Dataset::open(a.req("dataset"));
  const std::string model = a.req("model");
  const auto user = a.opt("user");
  const auto request = a.opt("request");
  const auto steps = a.all("step");
  const auto candidates = a.all("candidate");
  const std::string split = a.get("split"), cands = a.get("candidates"),
                    part = a.get("part");
  const auto target = a.opt("target");
  const auto expected = a.opt("expected");
  const DecodeMode decode = parse_decode_mode(a.get("decode"));
  const int template_id = int(a.get_int("template"));
  const std::string device = a.get("device");
  const bool json = a.flag("json");
  if (int(user.has_value()) + int(request.has_value()) + int(!steps.empty()) != 1)
    throw cli::UsageError("give exactly one of --user, --request or --step ... --candidate ...");
  if (!user && (a.has("split") || a.has("candidates") || a.has("part")))
    throw cli::UsageError("--split, --candidates and --part apply to --user only");
  if (steps.empty() && (!candidates.empty() || target || expected))
    throw cli::UsageError("--candidate, --target and --expected apply to --step only");
  InferenceRequest rq;
  if (user) {
    rq = request_from_user(ds, *user, split, cands, part);
  } else if (request) {
    rq = request_from_json_file(ds, *request);
  } else {
    if (candidates.empty()) throw cli::UsageError("--step needs --candidate ITEM (one or more)");
    for (const auto& s : steps) {
      auto colon = s.rfind(':');
      TMF_CHECK(colon != std::string::npos, "--step '", s, "' is not ITEM:BEHAVIOR");
      rq.history_items.push_back(item_by_external_id(ds, s.substr(0, colon)));
      rq.history_behaviors.push_back(ds.behavior_id(s.substr(colon + 1)));
    }
    for (const auto& c : candidates) rq.candidates.push_back(item_by_external_id(ds, c));
    rq.target_behavior = target ? ds.behavior_id(*target) : ds.target_behavior().id;
    if (expected) {
      const int64_t e = item_by_external_id(ds, *expected);
      for (size_t c = 0; c < rq.candidates.size(); ++c)
        if (rq.candidates[c] == e) rq.expected = int(c);
      TMF_CHECK(rq.expected >= 0, "--expected '", *expected, "' is not among the candidates");
    }
  }
  rq.decode = decode;
  rq.template_id = template_id;
  init_torch_threads();
  auto session = InferenceSession::open(model, ds, device);
  InferenceResult r = session->run(rq);
  if (json)
    std::printf("%s\n", inference_result_json(r).c_str());
  else
    print_text(r);
  return 0;
}

cli::Register reg(spec, run_infer);

}  // namespace
