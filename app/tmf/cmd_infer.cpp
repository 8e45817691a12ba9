// tmf infer: one TMF inference with everything the app shows (tmf/inference.h): the hybrid prompt
// with its [MT_i]/[MT_b] placeholders, the answer, the matched candidate and validity, a score per
// candidate, the AMSA/CMA weights per head, timings.
// Options: the Spec below (`tmf infer --help`).
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "command.h"
#include "data/candidates.h"
#include "data/dataset.h"
#include "data/split.h"
#include "llm/device.h"
#include "tmf/inference.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/strings.h"

namespace {
namespace fs = std::filesystem;
using namespace tmf;

int64_t item_by_external(const Dataset& ds, const std::string& ext) {
  auto id = ds.find_item(ext);
  TMF_CHECK(id.has_value(), "dataset '", ds.path(), "' has no item with external id '", ext, "'");
  return *id;
}

InferenceRequest request_from_user(const Dataset& ds, const std::string& user, const std::string& split,
                                   const std::string& cands, const std::string& part) {
  int64_t uid = -1;
  for (int64_t u : ds.user_ids())
    if (ds.user_external_id(u) == user) {
      uid = u;
      break;
    }
  TMF_CHECK(uid >= 0, "dataset '", ds.path(), "' has no user '", user, "'");
  InferenceRequest rq;
  for (const auto& row : load_split_rows(ds, split, part)) {
    if (row.user_id != uid) continue;
    for (const auto& e : row.history) {
      rq.history_items.push_back(e.item_id);
      rq.history_behaviors.push_back(e.behavior_id);
    }
    for (const auto& c : load_candidates(ds, candidate_set_id(ds, split, cands), part))
      if (c.row_id == row.id) {
        rq.candidates = c.items;
        rq.expected = c.truth_pos;
      }
  }
  TMF_CHECK(!rq.history_items.empty(), "user '", user, "' has no ", part, " row in split '", split, "'");
  TMF_CHECK(!rq.candidates.empty(), "user '", user, "' has no stored candidates in set '", cands, "'");
  rq.target_behavior = ds.target_behavior().id;
  return rq;
}

InferenceRequest request_from_json(const Dataset& ds, const std::string& path) {
  const nlohmann::json j = parse_json(read_file(path), "request '" + path + "'");
  InferenceRequest rq;
  std::map<std::string, int64_t> new_ids;
  try {
    for (const auto& n : j.value("new_items", nlohmann::json::array())) {
      NewItem it;
      it.id = -int64_t(rq.new_items.size()) - 1;
      it.name = n.at("name").get<std::string>();
      it.text = n.value("text", "");
      if (n.contains("image")) {
        fs::path img = n.at("image").get<std::string>();
        if (img.is_relative()) img = fs::path(path).parent_path() / img;
        std::string bytes = read_file(img.string());
        it.image.assign(bytes.begin(), bytes.end());
      }
      new_ids[it.name] = it.id;
      rq.new_items.push_back(std::move(it));
    }
    auto resolve = [&](const std::string& s) {
      auto it = new_ids.find(s);
      return it != new_ids.end() ? it->second : item_by_external(ds, s);
    };
    for (const auto& st : j.at("history")) {
      rq.history_items.push_back(resolve(st.at("item").get<std::string>()));
      rq.history_behaviors.push_back(ds.behavior_id(st.at("behavior").get<std::string>()));
    }
    rq.target_behavior = j.contains("target") ? ds.behavior_id(j.at("target").get<std::string>())
                                              : ds.target_behavior().id;
    for (const auto& c : j.at("candidates")) rq.candidates.push_back(resolve(c.get<std::string>()));
    if (j.contains("expected")) {
      const int64_t e = resolve(j.at("expected").get<std::string>());
      for (size_t c = 0; c < rq.candidates.size(); ++c)
        if (rq.candidates[c] == e) rq.expected = int(c);
      TMF_CHECK(rq.expected >= 0, "request '", path, "': the expected item is not among the candidates");
    }
  } catch (const nlohmann::json::exception& e) {
    fail("request '", path, "' is malformed: ", e.what());
  }
  return rq;
}

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
        .choice("decode", {"free", "constrained", "likelihood"}, "free", "how the answer is decoded (see tmf eval --help)")
        .integer("template", "0", 0, 1000, "prompt template index")
        .text("device", "DEVICE", "auto", "cpu, cuda, cuda:N or auto (CUDA when present)")
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
    rq = request_from_json(ds, *request);
  } else {
    if (candidates.empty()) throw cli::UsageError("--step needs --candidate ITEM (one or more)");
    for (const auto& s : steps) {
      auto colon = s.rfind(':');
      TMF_CHECK(colon != std::string::npos, "--step '", s, "' is not ITEM:BEHAVIOR");
      rq.history_items.push_back(item_by_external(ds, s.substr(0, colon)));
      rq.history_behaviors.push_back(ds.behavior_id(s.substr(colon + 1)));
    }
    for (const auto& c : candidates) rq.candidates.push_back(item_by_external(ds, c));
    rq.target_behavior = target ? ds.behavior_id(*target) : ds.target_behavior().id;
    if (expected) {
      const int64_t e = item_by_external(ds, *expected);
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
