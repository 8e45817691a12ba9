// tmf tokenize --tokenizer FILE TEXT: prints the token ids of TEXT (no BOS/EOS), space-separated,
// on one line; an empty TEXT prints an empty line.
#include <cstdio>
#include <string>

#include "command.h"
#include "llm/tokenizer.h"
#include "util/error.h"

namespace {
const tmf::cli::Spec spec =
    tmf::cli::Spec("tokenize", "print the token ids of a text (no BOS), space-separated on one line")
        .required("tokenizer", "FILE", "SentencePiece tokenizer.model")
        .positionals("TEXT", 1, 1, "the text (quote it); an empty text prints an empty line")
        .example("tmf tokenize --tokenizer models/pets/backbone/tokenizer.model \"grey athletic T-shirt\"");

int run_tokenize(tmf::cli::Args& args) {
  const std::string model = args.req("tokenizer");
  const auto rest = args.positionals();
  const tmf::Tokenizer tok = tmf::Tokenizer::load(model);
  std::string line;
  for (int id : tok.encode(rest[0])) {
    if (!line.empty()) line += ' ';
    line += std::to_string(id);
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stdout);
  return 0;
}
tmf::cli::Register reg(spec, run_tokenize);
}  // namespace
