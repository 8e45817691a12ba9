// Reader for SentencePiece model files (tokenizer.model): a serialized protobuf ModelProto, read with
// a minimal wire-format parser (varint, 64-bit, length-delimited, 32-bit; unknown fields skipped;
// every length checked against the bytes left), so core needs neither protobuf nor sentencepiece.
// Only the fields the encoder needs are kept (numbers from sentencepiece_model.proto):
//   ModelProto      pieces = 1, trainer_spec = 2, normalizer_spec = 3
//   SentencePiece   piece = 1, score = 2 (float), type = 3
//   TrainerSpec     model_type = 3, split_digits = 25, treat_whitespace_as_suffix = 24,
//                   byte_fallback = 35, unk_id = 40, bos_id = 41, eos_id = 42, pad_id = 43,
//                   unk_surface = 44
//   NormalizerSpec  name = 1, precompiled_charsmap = 2, add_dummy_prefix = 3,
//                   remove_extra_whitespaces = 4, escape_whitespaces = 5
// Defaults are those of the .proto (absent field = default). Anything that is not a well-formed
// model throws tmf::Error naming the path; nothing is allocated from a length before it is checked.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace tmf::spm {

enum class PieceType { kNormal = 1, kUnknown = 2, kControl = 3, kUserDefined = 4, kUnused = 5, kByte = 6 };
enum class ModelType { kUnigram = 1, kBpe = 2, kWord = 3, kChar = 4 };

struct Piece {
  std::string text;
  float score = 0;
  PieceType type = PieceType::kNormal;
};

struct ModelProto {
  std::vector<Piece> pieces;
  // TrainerSpec
  ModelType model_type = ModelType::kUnigram;
  bool byte_fallback = false;
  bool split_digits = false;
  bool treat_whitespace_as_suffix = false;
  int unk_id = 0, bos_id = 1, eos_id = 2, pad_id = -1;
  std::string unk_surface = " \xE2\x81\x87 ";  // " ⁇ "
  // NormalizerSpec
  std::string normalizer_name;
  std::string precompiled_charsmap;
  bool add_dummy_prefix = true;
  bool remove_extra_whitespaces = true;
  bool escape_whitespaces = true;
};

// Parses serialized bytes; `what` names the source (a path) in error messages.
ModelProto parse_model_proto(std::string_view bytes, const std::string& what);

}  // namespace tmf::spm
