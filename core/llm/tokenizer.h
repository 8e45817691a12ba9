// SentencePiece tokenizer (Llama's tokenizer.model), torch-free: encodes and decodes exactly as the
// sentencepiece library does, which stays the oracle in tests/tokenizer (it cannot share a process
// with LibTorch, toolchain.md pitfall 1, so core carries its own encoder).
//
// Supported: BPE models (Llama, and what train_tokenizer writes) with or without byte fallback,
// user-defined symbols, unused pieces, and the "identity" normalizer (no precompiled character
// map) with any of add_dummy_prefix / remove_extra_whitespaces / escape_whitespaces. Unigram,
// word and char models, NFKC character maps and treat_whitespace_as_suffix are refused at load
// with a tmf::Error naming the file.
//
// Encoding, as sentencepiece: the normaliser drops leading/trailing/repeated spaces when
// remove_extra_whitespaces is set, prepends the dummy prefix "▁" when add_dummy_prefix is set and
// turns ' ' into "▁"; invalid UTF-8 bytes become U+FFFD. The text is split into characters, except
// that user-defined symbols are matched first (longest match) and never merged. BPE then repeatedly
// merges the adjacent pair whose concatenation is a piece with the highest score (leftmost on
// ties). A final symbol that is no piece becomes its UTF-8 bytes <0xXX> with byte fallback, else
// unk. Only ' ' is whitespace for the identity normaliser: tabs and newlines are ordinary
// characters (byte pieces in Llama).
//
// Placeholders ([MT_3], [HistoryEmb], ...) are user-defined symbols: those in the model (trained
// with user_defined_symbols) keep their ids; add_special_token() adds one that the model lacks with
// a new id after the model's pieces. Both kinds are handled exactly like sentencepiece handles
// user-defined symbols, so the text around them gets no extra dummy prefix: "[MT_1] red" is
// "▁" "[MT_1]" "▁red" and "a[MT_1]b" is "▁a" "[MT_1]" "b": the dummy prefix is added once, at the
// start of the whole text, as sentencepiece (the oracle in tests) and HF LlamaTokenizer do when the
// placeholders are user-defined symbols of the model. (HF's legacy path for tokens it registers as
// *added* tokens encodes each chunk between them separately, re-adding a prefix; we do not.)
// Decoding renders a placeholder as its text.
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tmf {

class Tokenizer {
 public:
  // Reads a tokenizer.model; throws tmf::Error naming the path when it is missing, unreadable, not
  // a SentencePiece model, or a kind this encoder does not implement.
  static Tokenizer load(const std::string& model_path);
  // The same from bytes already in memory; `what` names them in errors.
  static Tokenizer from_bytes(std::string bytes, const std::string& what);
  // Copies are independent (the piece index is rebuilt for the copy). encode/decode are const and
  // may run concurrently; add_special_token may not run alongside them.
  Tokenizer(const Tokenizer& other);
  Tokenizer& operator=(const Tokenizer& other);
  Tokenizer(Tokenizer&&) noexcept = default;  // deque moves keep element addresses
  Tokenizer& operator=(Tokenizer&&) noexcept = default;

  std::vector<int> encode(std::string_view text) const;  // no BOS/EOS
  // Text of the ids: control pieces vanish, unk is " ⁇ ", byte pieces are reassembled (invalid
  // UTF-8 becomes U+FFFD), the dummy-prefix space of the first piece is dropped. Throws on an id
  // outside [0, vocab_size()).
  std::string decode(const std::vector<int>& ids) const;

  int bos_id() const { return bos_id_; }  // -1 when the model has none
  int eos_id() const { return eos_id_; }
  int unk_id() const { return unk_id_; }
  int pad_id() const { return pad_id_; }
  int vocab_size() const { return int(pieces_.size()); }  // model pieces + added tokens
  std::string piece(int id) const;                        // throws when out of range

  // Registers a placeholder; returns its id (the existing one when the text is already a piece or
  // was added before). The text must be non-empty UTF-8 without spaces.
  int add_special_token(const std::string& text);
  // Special ids are those generation must ban: placeholders (user-defined pieces and added tokens),
  // unk, and control pieces other than eos (bos, pad, ...).
  bool is_special(int id) const;
  std::vector<int> special_ids() const;  // ascending

  // Identity of the tokenizer: the SHA-256 (hex) of the model file's bytes while no token has been
  // added; once tokens are added, the SHA-256 of that hex followed by "\n" + text of each added
  // token in order, so equal hashes mean identical encodings.
  std::string sha256() const;

 private:
  enum class Kind : uint8_t { kNormal, kUnknown, kControl, kUserDefined, kUnused, kByte };
  struct PieceInfo {
    float score = 0;
    Kind kind = Kind::kNormal;
    bool placeholder = false;  // registered through add_special_token
  };
  // A byte trie of user-defined symbols for longest-prefix matching.
  struct Trie {
    struct Node {
      std::vector<std::pair<unsigned char, int>> next;
      bool terminal = false;
    };
    std::vector<Node> nodes{Node{}};
    void insert(std::string_view s);
    size_t longest_prefix(std::string_view s) const;  // 0 when none
  };

  Tokenizer() = default;
  int piece_to_id(std::string_view p) const;  // reserved pieces first, then normal; else unk
  std::string normalize(std::string_view text) const;
  void encode_bpe(std::string_view normalized, std::vector<int>& out) const;
  void emit(std::string_view piece, std::vector<int>& out) const;
  int add_piece(const std::string& text, Kind kind, float score);
  void index_piece(int id);  // enters pieces_[id] into normal_ or reserved_

  std::deque<std::string> pieces_;  // deque: the map keys below point into these strings
  std::vector<PieceInfo> info_;
  std::unordered_map<std::string_view, int> normal_;    // normal, user-defined, unused, added
  std::unordered_map<std::string_view, int> reserved_;  // unknown, control, byte
  Trie user_symbols_;
  bool has_user_symbols_ = false;
  int byte_ids_[256];
  int model_pieces_ = 0;
  int bos_id_ = -1, eos_id_ = -1, unk_id_ = -1, pad_id_ = -1;
  bool byte_fallback_ = false;
  bool add_dummy_prefix_ = true, remove_extra_whitespaces_ = true, escape_whitespaces_ = true;
  std::string unk_surface_;
  std::string model_sha256_;
  std::vector<std::string> added_;
};

}  // namespace tmf
