// tmf llm: run the Llama backbone from the command line.
//   tmf llm logits   --model DIR [--adapter DIR] --ids 1,5,9 --out FILE.safetensors [--device D]
//       writes float32 logits as tensor "logits" (1, T, V).
//   tmf llm generate --model DIR [--adapter DIR] (--ids 1,5,9 | --prompt TEXT) --max-new-tokens N
//                    [--no-stop] [--device D]
//       greedy; prints the full id sequence (prompt + new) on one line, then the decoded new text.
// --ids are used as given; --prompt is BOS + tokenizer.encode(TEXT) with DIR/tokenizer.model.
// The device defaults to auto (CUDA when present); --dtype auto|float32|bfloat16|float16 (auto: bf16
// on CUDA, fp32 on CPU).
#include <cstdio>
#include <filesystem>
#include <string>

#include <torch/torch.h>

#include "command.h"
#include "llm/device.h"
#include "llm/generate.h"
#include "llm/llama.h"
#include "llm/safetensors_torch.h"
#include "llm/tokenizer.h"
#include "util/error.h"
#include "util/strings.h"

namespace {

std::vector<int64_t> parse_ids(const std::string& s) {
  std::vector<int64_t> ids;
  for (auto part : tmf::split(s, ',')) {
    long long v;
    TMF_CHECK(tmf::parse_int64(part, v), "--ids: '", std::string(part), "' is not an integer (expected e.g. 1,5,9)");
    ids.push_back(v);
  }
  TMF_CHECK(!ids.empty(), "--ids is empty");
  return ids;
}

int run_llm(tmf::cli::Args& args) {
  tmf::init_torch_threads();
  const auto model_dir = args.opt("model");
  const auto adapter = args.opt("adapter");
  const auto ids_arg = args.opt("ids");
  const auto prompt = args.opt("prompt");
  const auto out = args.opt("out");
  const long long max_new = args.get_int("max-new-tokens", -1, 1, 1000000);
  const bool no_stop = args.flag("no-stop");
  const std::string device = tmf::resolve_device(args.get("device", "auto"));
  const std::string dtype_name = args.get("dtype", "auto");
  const auto pos = args.positionals();
  args.finish();
  TMF_CHECK(pos.size() == 1 && (pos[0] == "logits" || pos[0] == "generate"),
            "usage: tmf llm logits|generate --model DIR ... (see the comment of cmd_llm.cpp)");
  TMF_CHECK(model_dir, "missing required option --model");
  const std::string action = pos[0];

  std::optional<torch::Dtype> dtype;
  if (dtype_name == "float32") dtype = torch::kFloat32;
  else if (dtype_name == "bfloat16") dtype = torch::kBFloat16;
  else if (dtype_name == "float16") dtype = torch::kFloat16;
  else TMF_CHECK(dtype_name == "auto", "--dtype '", dtype_name, "' is not one of auto, float32, bfloat16, float16");
  auto model = tmf::load_llama(*model_dir, {device, dtype});
  if (adapter) tmf::load_lora(*model, *adapter);
  model->eval();
  torch::NoGradGuard ng;

  if (action == "logits") {
    TMF_CHECK(ids_arg && !prompt, "tmf llm logits takes --ids (not --prompt)");
    TMF_CHECK(out, "missing required option --out");
    auto ids = parse_ids(*ids_arg);
    TMF_CHECK(int64_t(ids.size()) <= model->config.max_position_embeddings, "--ids holds ", ids.size(),
              " tokens; the model has ", model->config.max_position_embeddings, " positions (max_position_embeddings)");
    auto logits = model->forward(torch::tensor(ids, torch::kLong).view({1, -1})).to(torch::kCPU, torch::kFloat32);
    tmf::st::save(*out, {{"logits", logits}});
    std::printf("wrote logits [1, %lld, %lld] to %s\n", static_cast<long long>(logits.size(1)),
                static_cast<long long>(logits.size(2)), out->c_str());
    return 0;
  }

  TMF_CHECK(ids_arg.has_value() != prompt.has_value(), "tmf llm generate takes exactly one of --ids and --prompt");
  TMF_CHECK(max_new >= 0, "missing required option --max-new-tokens");
  TMF_CHECK(!out, "--out applies to tmf llm logits only");
  const std::string tok_path = (std::filesystem::path(*model_dir) / "tokenizer.model").string();
  std::optional<tmf::Tokenizer> tok;
  if (prompt || std::filesystem::exists(tok_path)) tok = tmf::Tokenizer::load(tok_path);
  std::vector<int64_t> ids;
  if (ids_arg) {
    ids = parse_ids(*ids_arg);
  } else {
    if (tok->bos_id() >= 0) ids.push_back(tok->bos_id());
    for (int id : tok->encode(*prompt)) ids.push_back(id);
    TMF_CHECK(!ids.empty(), "--prompt encodes to no tokens");
  }
  tmf::GenerateOptions opts;
  opts.max_new_tokens = max_new;
  opts.stop_at_eos = !no_stop;
  if (tok && !no_stop && tok->eos_id() >= 0 && opts.stop_ids.empty()) {
    opts.stop_ids = model->config.eos_token_ids;
    if (std::find(opts.stop_ids.begin(), opts.stop_ids.end(), tok->eos_id()) == opts.stop_ids.end())
      opts.stop_ids.push_back(tok->eos_id());
  }
  auto fresh = tmf::generate_greedy(*model, {ids}, opts)[0];
  std::string line;
  for (int64_t id : ids) line += (line.empty() ? "" : " ") + std::to_string(id);
  for (int64_t id : fresh) line += " " + std::to_string(id);
  std::printf("%s\n", line.c_str());
  if (tok) {
    std::vector<int> v(fresh.begin(), fresh.end());
    std::printf("%s\n", tok->decode(v).c_str());
  } else {
    std::printf("\n");
  }
  return 0;
}

tmf::cli::Register reg("llm", "run the Llama backbone: logits | generate (see tmf llm --help)", run_llm);

}  // namespace
