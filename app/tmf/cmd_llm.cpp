// tmf llm: run the Llama backbone from the command line.
// Options: the Specs below (`tmf llm logits --help`, `tmf llm generate --help`).
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

// The options both actions share.
tmf::cli::Spec llm_spec(const std::string& action, const std::string& summary) {
  return tmf::cli::Spec("llm " + action, summary)
      .required("model", "DIR", "Hugging Face Llama folder (config.json, model.safetensors, tokenizer.model)")
      .text("adapter", "DIR", "", "a PEFT LoRA adapter folder (adapter_config.json, adapter_model.safetensors)")
      .device("auto")
      .choice("dtype", {"auto", "float32", "bfloat16", "float16"}, "auto", "weight dtype (auto: bfloat16 on CUDA, float32 on CPU)");
}

const tmf::cli::Spec logits_spec =
    llm_spec("logits", "the backbone's logits for a token id sequence")
        .describe("Writes float32 logits as tensor \"logits\" (1, T, V) to a safetensors file.")
        .required("ids", "LIST", "comma-separated token ids, used as given")
        .required("out", "FILE", "safetensors file to write")
        .example("tmf llm logits --model models/pets/backbone --ids 1,5,9 --out logits.safetensors");

const tmf::cli::Spec generate_spec =
    llm_spec("generate", "greedy generation from token ids or a text prompt")
        .describe("Prints the full id sequence (prompt + new) on one line, then the decoded new text.")
        .text("ids", "LIST", "", "comma-separated prompt token ids, used as given")
        .text("prompt", "TEXT", "", "a text prompt: BOS + its tokens with DIR/tokenizer.model (instead of --ids)")
        .integer("max-new-tokens", "", 1, 1000000, "tokens to generate at most")
        .is_required()
        .flag("no-stop", "do not stop at EOS")
        .example("tmf llm generate --model models/pets/backbone --prompt \"The user views\" --max-new-tokens 12");

int run_llm(tmf::cli::Args& args, const std::string& action) {
  tmf::init_torch_threads();
  const auto model_dir = std::optional<std::string>(args.req("model"));
  const auto adapter = args.opt("adapter");
  const auto ids_arg = args.opt("ids");
  const auto prompt = action == "generate" ? args.opt("prompt") : std::optional<std::string>();
  const auto out = action == "logits" ? args.opt("out") : std::optional<std::string>();
  const long long max_new = action == "generate" ? args.get_int("max-new-tokens", 0) : 0;
  const bool no_stop = action == "generate" && args.flag("no-stop");
  const std::string device = tmf::resolve_device(args.get("device"));
  const std::string dtype_name = args.get("dtype");
  if (action == "generate" && ids_arg.has_value() == prompt.has_value())
    throw tmf::cli::UsageError("tmf llm generate takes exactly one of --ids and --prompt");

  std::optional<torch::Dtype> dtype;
  if (dtype_name == "float32") dtype = torch::kFloat32;
  else if (dtype_name == "bfloat16") dtype = torch::kBFloat16;
  else if (dtype_name == "float16") dtype = torch::kFloat16;
  auto model = tmf::load_llama(*model_dir, {device, dtype});
  if (adapter) tmf::load_lora(*model, *adapter);
  model->eval();
  torch::NoGradGuard ng;

  if (action == "logits") {
    auto ids = parse_ids(*ids_arg);
    TMF_CHECK(int64_t(ids.size()) <= model->config.max_position_embeddings, "--ids holds ", ids.size(),
              " tokens; the model has ", model->config.max_position_embeddings, " positions (max_position_embeddings)");
    auto logits = model->forward(torch::tensor(ids, torch::kLong).view({1, -1})).to(torch::kCPU, torch::kFloat32);
    tmf::st::save(*out, {{"logits", logits}});
    std::printf("wrote logits [1, %lld, %lld] to %s\n", static_cast<long long>(logits.size(1)),
                static_cast<long long>(logits.size(2)), out->c_str());
    return 0;
  }

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

tmf::cli::RegisterGroup group("llm", "run a Llama backbone (Hugging Face format, optional PEFT LoRA): logits, generate");
tmf::cli::Register reg_logits(logits_spec, [](tmf::cli::Args& a) { return run_llm(a, "logits"); });
tmf::cli::Register reg_generate(generate_spec, [](tmf::cli::Args& a) { return run_llm(a, "generate"); });

}  // namespace
