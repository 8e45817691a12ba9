// Training a SentencePiece tokenizer with the real trainer: runs `spm_train` (Debian package
// sentencepiece) as a subprocess, no shell, with the texts in a temporary file, and installs the
// resulting model atomically at out_model_path. The model is Llama-like (BPE, byte fallback,
// digits split unless split_digits is false, identity normaliser, dummy prefix, ids unk 0 / bos 1 / eos 2, no pad) with the
// placeholders as user-defined symbols, so tmf::Tokenizer loads it and encodes it exactly as
// sentencepiece does. Single-threaded with a fixed seed and no sampling: the same texts and
// options give the same model bytes.
//
// Limits: each line of a text is one training sentence (lines longer than max_sentence_length
// bytes are skipped by the trainer); a symbol may not contain ',' or spaces; a vocab_size too big
// for the corpus fails (the trainer's message is in the error) unless hard_vocab_limit is false.
#pragma once
#include <string>
#include <vector>

#include "util/progress.h"

namespace tmf {

struct TrainOptions {
  int vocab_size = 8000;                          // includes unk/bos/eos, symbols and 256 bytes
  std::vector<std::string> user_defined_symbols;  // placeholders: [MT_0], [HistoryEmb], ...
  double character_coverage = 0.9995;             // rarer characters go to byte fallback
  bool remove_extra_whitespaces = false;          // false like Llama: spaces are kept verbatim
  bool hard_vocab_limit = true;                   // false: vocab_size is an upper bound
  bool split_digits = true;                       // Llama's choice; false keeps codes like "976" whole
  int max_sentence_length = 16384;                // bytes
  unsigned random_seed = 42;
  std::string spm_train_program = "spm_train";  // looked up in PATH unless it contains '/'
};

// Throws tmf::Error (with the trainer's output) on failure, tmf::Cancelled when progress is
// cancelled (the trainer is stopped, nothing is written).
void train_tokenizer(const std::vector<std::string>& texts, const TrainOptions& opts,
                     const std::string& out_model_path, const Progress& progress);

}  // namespace tmf
