// SentencePiece BPE encoder/decoder; mirrors sentencepiece's normalizer.cc, bpe_model.cc and
// SentencePieceProcessor::Encode/Decode (see tokenizer.h for the contract).
#include "llm/tokenizer.h"

#include <algorithm>
#include <cstdio>
#include <queue>

#include "llm/sentencepiece_model.h"
#include "util/error.h"
#include "util/sha256.h"
#include "util/strings.h"

namespace tmf {
namespace {

constexpr std::string_view kSpaceSymbol = "\xE2\x96\x81";        // U+2581 "▁"
constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD

// Length of the UTF-8 character that starts with `c`, judged by its lead byte only (sentencepiece's
// OneCharLen: continuation and invalid lead bytes count as 1).
inline size_t one_char_len(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return u < 0xC0 ? 1 : u < 0xE0 ? 2 : u < 0xF0 ? 3 : 4;
}

inline bool trail(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }
inline bool valid_codepoint(uint32_t c) { return c < 0xD800 || (c >= 0xE000 && c <= 0x10FFFF); }

// sentencepiece's IsValidDecodeUTF8: sets `len` to the length of the character at the start of `s`
// (1 for an invalid byte) and says whether it is well-formed (U+FFFD itself counts as valid).
bool valid_utf8_prefix(std::string_view s, size_t& len) {
  const unsigned char b0 = static_cast<unsigned char>(s[0]);
  const size_t n = s.size();
  if (b0 < 0x80) {
    len = 1;
    return true;
  }
  if (n >= 2 && (b0 & 0xE0) == 0xC0 && trail(s[1])) {
    const uint32_t cp = ((b0 & 0x1Fu) << 6) | (static_cast<unsigned char>(s[1]) & 0x3Fu);
    if (cp >= 0x80 && valid_codepoint(cp)) {
      len = 2;
      return true;
    }
  } else if (n >= 3 && (b0 & 0xF0) == 0xE0 && trail(s[1]) && trail(s[2])) {
    const uint32_t cp = ((b0 & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[1]) & 0x3Fu) << 6) |
                        (static_cast<unsigned char>(s[2]) & 0x3Fu);
    if (cp >= 0x800 && valid_codepoint(cp)) {
      len = 3;
      return true;
    }
  } else if (n >= 4 && (b0 & 0xF8) == 0xF0 && trail(s[1]) && trail(s[2]) && trail(s[3])) {
    const uint32_t cp = ((b0 & 0x07u) << 18) | ((static_cast<unsigned char>(s[1]) & 0x3Fu) << 12) |
                        ((static_cast<unsigned char>(s[2]) & 0x3Fu) << 6) | (static_cast<unsigned char>(s[3]) & 0x3Fu);
    if (cp >= 0x10000 && valid_codepoint(cp)) {
      len = 4;
      return true;
    }
  }
  len = 1;
  return false;
}

bool is_valid_utf8(std::string_view s) {
  while (!s.empty()) {
    size_t len;
    if (!valid_utf8_prefix(s, len)) return false;
    s.remove_prefix(len);
  }
  return true;
}

// Appends bytes decoded as UTF-8, each invalid byte replaced by U+FFFD (ProcessBytePieces).
void append_bytes_as_utf8(std::string_view bytes, std::string& out) {
  while (!bytes.empty()) {
    size_t len;
    if (valid_utf8_prefix(bytes, len))
      out.append(bytes.data(), len);
    else
      out.append(kReplacementChar);
    bytes.remove_prefix(len);
  }
}

// "<0x41>" → 65; -1 when the text is not a byte piece.
int byte_piece_value(std::string_view p) {
  auto hex = [](char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  };
  if (p.size() != 6 || p.substr(0, 3) != "<0x" || p[5] != '>') return -1;
  const int hi = hex(p[3]), lo = hex(p[4]);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

}  // namespace

void Tokenizer::Trie::insert(std::string_view s) {
  int node = 0;
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    int child = -1;
    for (auto& [k, v] : nodes[size_t(node)].next)
      if (k == c) child = v;
    if (child < 0) {
      child = int(nodes.size());
      nodes[size_t(node)].next.emplace_back(c, child);
      nodes.emplace_back();
    }
    node = child;
  }
  nodes[size_t(node)].terminal = true;
}

size_t Tokenizer::Trie::longest_prefix(std::string_view s) const {
  int node = 0;
  size_t best = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    int child = -1;
    for (auto& [k, v] : nodes[size_t(node)].next)
      if (k == c) {
        child = v;
        break;
      }
    if (child < 0) break;
    node = child;
    if (nodes[size_t(node)].terminal) best = i + 1;
  }
  return best;
}

Tokenizer Tokenizer::load(const std::string& model_path) {
  return from_bytes(read_file(model_path), model_path);
}

Tokenizer Tokenizer::from_bytes(std::string bytes, const std::string& what) {
  const spm::ModelProto m = spm::parse_model_proto(bytes, what);
  TMF_CHECK(m.model_type == spm::ModelType::kBpe, "tokenizer ", what, ": model_type ", int(m.model_type),
            " is not supported (only BPE, model_type 2; train with model_type=bpe)");
  TMF_CHECK(m.precompiled_charsmap.empty(), "tokenizer ", what, ": normalizer '", m.normalizer_name,
            "' uses a precompiled character map, which is not supported (use the identity normalizer)");
  TMF_CHECK(!m.treat_whitespace_as_suffix, "tokenizer ", what, ": treat_whitespace_as_suffix is not supported");

  Tokenizer t;
  t.model_sha256_ = sha256_hex(bytes);
  t.byte_fallback_ = m.byte_fallback;
  t.add_dummy_prefix_ = m.add_dummy_prefix;
  t.remove_extra_whitespaces_ = m.remove_extra_whitespaces;
  t.escape_whitespaces_ = m.escape_whitespaces;
  t.unk_surface_ = m.unk_surface;
  for (size_t i = 0; i < m.pieces.size(); ++i) {
    const spm::Piece& p = m.pieces[i];
    TMF_CHECK(!p.text.empty(), "tokenizer ", what, ": piece ", i, " is empty");
    const Kind kind = static_cast<Kind>(int(p.type) - 1);
    if (kind == Kind::kUnknown) {
      TMF_CHECK(t.unk_id_ < 0, "tokenizer ", what, ": a second unknown piece at id ", i, " (first at ", t.unk_id_, ")");
      t.unk_id_ = int(i);
    }
    if (kind == Kind::kByte)
      TMF_CHECK(byte_piece_value(p.text) >= 0, "tokenizer ", what, ": byte piece ", i, " '", p.text,
                "' is not of the form <0xXX>");
    t.add_piece(p.text, kind, p.score);
  }
  TMF_CHECK(t.unk_id_ >= 0, "tokenizer ", what, ": the model defines no unknown piece");
  t.model_pieces_ = int(m.pieces.size());
  auto control_id = [&](int id) {
    return id >= 0 && id < t.model_pieces_ && t.info_[size_t(id)].kind == Kind::kControl ? id : -1;
  };
  t.bos_id_ = control_id(m.bos_id);
  t.eos_id_ = control_id(m.eos_id);
  t.pad_id_ = control_id(m.pad_id);
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    t.byte_ids_[b] = t.piece_to_id(name);
  }
  return t;
}

Tokenizer::Tokenizer(const Tokenizer& other) { *this = other; }

Tokenizer& Tokenizer::operator=(const Tokenizer& o) {
  if (this == &o) return *this;
  // Every member but the two maps, whose string_view keys must point into our own pieces_.
  pieces_ = o.pieces_;
  info_ = o.info_;
  user_symbols_ = o.user_symbols_;
  has_user_symbols_ = o.has_user_symbols_;
  std::copy(std::begin(o.byte_ids_), std::end(o.byte_ids_), std::begin(byte_ids_));
  model_pieces_ = o.model_pieces_;
  bos_id_ = o.bos_id_;
  eos_id_ = o.eos_id_;
  unk_id_ = o.unk_id_;
  pad_id_ = o.pad_id_;
  byte_fallback_ = o.byte_fallback_;
  add_dummy_prefix_ = o.add_dummy_prefix_;
  remove_extra_whitespaces_ = o.remove_extra_whitespaces_;
  escape_whitespaces_ = o.escape_whitespaces_;
  unk_surface_ = o.unk_surface_;
  model_sha256_ = o.model_sha256_;
  added_ = o.added_;
  normal_.clear();
  reserved_.clear();
  for (int id = 0; id < int(pieces_.size()); ++id) index_piece(id);
  return *this;
}

void Tokenizer::index_piece(int id) {
  const Kind kind = info_[size_t(id)].kind;
  const bool normal = kind == Kind::kNormal || kind == Kind::kUserDefined || kind == Kind::kUnused;
  auto& map = normal ? normal_ : reserved_;
  const auto [it, inserted] = map.emplace(std::string_view(pieces_[size_t(id)]), id);
  TMF_CHECK(inserted, "tokenizer: piece '", pieces_[size_t(id)], "' (id ", id, ") is already defined as id ",
            it->second);
}

int Tokenizer::add_piece(const std::string& text, Kind kind, float score) {
  const int id = int(pieces_.size());
  pieces_.push_back(text);
  info_.push_back(PieceInfo{score, kind});
  index_piece(id);
  if (kind == Kind::kUserDefined) {
    user_symbols_.insert(text);
    has_user_symbols_ = true;
  }
  return id;
}

int Tokenizer::piece_to_id(std::string_view p) const {
  if (auto it = reserved_.find(p); it != reserved_.end()) return it->second;
  if (auto it = normal_.find(p); it != normal_.end()) return it->second;
  return unk_id_;
}

std::string Tokenizer::piece(int id) const {
  TMF_CHECK(id >= 0 && id < vocab_size(), "token id ", id, " is outside the vocabulary [0, ", vocab_size(), ")");
  return pieces_[size_t(id)];
}

int Tokenizer::add_special_token(const std::string& text) {
  TMF_CHECK(!text.empty(), "special token must not be empty");
  TMF_CHECK(is_valid_utf8(text), "special token '", text, "' is not valid UTF-8");
  TMF_CHECK(text.find(' ') == std::string::npos && text.find(kSpaceSymbol) == std::string::npos,
            "special token '", text, "' must not contain spaces");
  int id;
  if (auto it = reserved_.find(text); it != reserved_.end()) {
    id = it->second;
  } else if (auto it2 = normal_.find(text); it2 != normal_.end()) {
    id = it2->second;
  } else {
    id = add_piece(text, Kind::kUserDefined, 0.0f);
    added_.push_back(text);
  }
  PieceInfo& info = info_[size_t(id)];
  if (info.kind != Kind::kUserDefined && !info.placeholder) {  // an existing piece becomes unsplittable
    user_symbols_.insert(text);
    has_user_symbols_ = true;
    added_.push_back(text);  // encodings change, so does sha256()
  }
  info.placeholder = true;
  return id;
}

bool Tokenizer::is_special(int id) const {
  if (id < 0 || id >= vocab_size()) return false;
  const PieceInfo& p = info_[size_t(id)];
  return p.placeholder || p.kind == Kind::kUserDefined || p.kind == Kind::kUnknown ||
         (p.kind == Kind::kControl && id != eos_id_);
}

std::vector<int> Tokenizer::special_ids() const {
  std::vector<int> out;
  for (int id = 0; id < vocab_size(); ++id)
    if (is_special(id)) out.push_back(id);
  return out;
}

std::string Tokenizer::sha256() const {
  if (added_.empty()) return model_sha256_;
  std::string s = model_sha256_;
  for (const auto& a : added_) s += "\n" + a;
  return sha256_hex(s);
}

// normalizer.cc Normalize() for a model without a character map.
std::string Tokenizer::normalize(std::string_view in) const {
  std::string out;
  if (in.empty()) return out;
  // NormalizePrefix: a user-defined symbol, else one UTF-8 character (U+FFFD for a bad byte).
  auto prefix = [this](std::string_view s, std::string_view& piece) -> size_t {
    if (has_user_symbols_) {
      if (size_t m = user_symbols_.longest_prefix(s)) {
        piece = s.substr(0, m);
        return m;
      }
    }
    size_t len;
    piece = valid_utf8_prefix(s, len) ? s.substr(0, len) : kReplacementChar;
    return len;
  };
  std::string_view piece;
  if (remove_extra_whitespaces_) {
    while (!in.empty()) {
      const size_t n = prefix(in, piece);
      if (piece != " ") break;
      in.remove_prefix(n);
    }
    if (in.empty()) return out;
  }
  const std::string_view space = escape_whitespaces_ ? kSpaceSymbol : std::string_view(" ");
  out.reserve(in.size() + in.size() / 2 + 4);
  if (add_dummy_prefix_) out.append(space);
  bool is_prev_space = remove_extra_whitespaces_;
  while (!in.empty()) {
    const size_t n = prefix(in, piece);
    if (is_prev_space && remove_extra_whitespaces_)
      while (!piece.empty() && piece[0] == ' ') piece.remove_prefix(1);
    if (!piece.empty()) {
      for (char c : piece) {
        if (c == ' ' && escape_whitespaces_)
          out.append(kSpaceSymbol);
        else
          out.push_back(c);
      }
      is_prev_space = piece.back() == ' ';
    }
    in.remove_prefix(n);
    if (!remove_extra_whitespaces_) is_prev_space = false;
  }
  if (remove_extra_whitespaces_)
    while (ends_with(out, space)) out.resize(out.size() - space.size());
  return out;
}

std::vector<int> Tokenizer::encode(std::string_view text) const {
  std::vector<int> out;
  const std::string normalized = normalize(text);
  if (!normalized.empty()) encode_bpe(normalized, out);
  return out;
}

// bpe_model.cc Model::Encode: characters (user-defined symbols frozen), then best-score merges.
void Tokenizer::encode_bpe(std::string_view s, std::vector<int>& out) const {
  struct Symbol {
    int prev, next;
    uint32_t begin, len;
    bool freeze;
  };
  struct Pair {
    float score;
    int left, right;
    uint32_t size;
  };
  struct PairLess {  // highest score first, then leftmost
    bool operator()(const Pair& a, const Pair& b) const {
      return a.score < b.score || (a.score == b.score && a.left > b.left);
    }
  };
  std::vector<Symbol> sym;
  sym.reserve(s.size());
  for (size_t pos = 0; pos < s.size();) {
    size_t len = has_user_symbols_ ? user_symbols_.longest_prefix(s.substr(pos)) : 0;
    const bool freeze = len > 0;
    if (!freeze) len = std::min(s.size() - pos, one_char_len(s[pos]));
    const int index = int(sym.size());
    sym.push_back(Symbol{index - 1, pos + len < s.size() ? index + 1 : -1, uint32_t(pos), uint32_t(len), freeze});
    pos += len;
  }

  std::vector<Pair> heap_storage;
  heap_storage.reserve(sym.size());
  std::priority_queue<Pair, std::vector<Pair>, PairLess> agenda(PairLess{}, std::move(heap_storage));
  // Pieces made by merging into an unused piece are split back afterwards (resegmentation).
  std::unordered_map<std::string_view, std::pair<std::string_view, std::string_view>> rev_merge;
  auto view = [&](const Symbol& x) { return s.substr(x.begin, x.len); };
  auto maybe_add = [&](int left, int right) {
    if (left < 0 || right < 0 || sym[size_t(left)].freeze || sym[size_t(right)].freeze) return;
    const std::string_view merged = s.substr(sym[size_t(left)].begin, sym[size_t(left)].len + sym[size_t(right)].len);
    const auto it = normal_.find(merged);
    if (it == normal_.end()) return;
    const PieceInfo& info = info_[size_t(it->second)];
    agenda.push(Pair{info.score, left, right, uint32_t(merged.size())});
    if (info.kind == Kind::kUnused) rev_merge[merged] = {view(sym[size_t(left)]), view(sym[size_t(right)])};
  };
  for (size_t i = 1; i < sym.size(); ++i) maybe_add(int(i) - 1, int(i));

  while (!agenda.empty()) {
    const Pair top = agenda.top();
    agenda.pop();
    Symbol& l = sym[size_t(top.left)];
    Symbol& r = sym[size_t(top.right)];
    if (l.len == 0 || r.len == 0 || l.len + r.len != top.size) continue;  // stale
    l.len += r.len;
    l.next = r.next;
    if (r.next >= 0) sym[size_t(r.next)].prev = top.left;
    r.len = 0;
    maybe_add(l.prev, top.left);
    maybe_add(top.left, l.next);
  }

  // Resegment pieces that are unused into the halves they were merged from.
  auto resegment = [&](auto&& self, std::string_view w) -> void {
    const int id = piece_to_id(w);
    if (info_[size_t(id)].kind == Kind::kUnused) {
      if (const auto it = rev_merge.find(w); it != rev_merge.end()) {
        self(self, it->second.first);
        self(self, it->second.second);
        return;
      }
    }
    emit(w, out);
  };
  out.reserve(out.size() + sym.size());
  for (int i = sym.empty() ? -1 : 0; i != -1; i = sym[size_t(i)].next) {
    if (rev_merge.empty())
      emit(view(sym[size_t(i)]), out);
    else
      resegment(resegment, view(sym[size_t(i)]));
  }
}

// One final symbol → ids (SentencePieceProcessor::PopulateSentencePieceText).
void Tokenizer::emit(std::string_view piece, std::vector<int>& out) const {
  const int id = piece_to_id(piece);
  if (byte_fallback_ && info_[size_t(id)].kind == Kind::kUnknown) {
    for (char c : piece) out.push_back(byte_ids_[static_cast<unsigned char>(c)]);
  } else {
    out.push_back(id);
  }
}

std::string Tokenizer::decode(const std::vector<int>& ids) const {
  for (int id : ids)
    TMF_CHECK(id >= 0 && id < vocab_size(), "cannot decode token id ", id, ": outside the vocabulary [0, ",
              vocab_size(), ")");
  std::string text, bytes;
  bool is_bos_ws = true, bos_ws_seen = false;
  for (int id : ids) {
    const PieceInfo& info = info_[size_t(id)];
    const std::string& p = pieces_[size_t(id)];
    if (info.kind == Kind::kByte) {
      bytes.push_back(static_cast<char>(byte_piece_value(p)));
      continue;
    }
    append_bytes_as_utf8(bytes, text);
    bytes.clear();
    if (bos_ws_seen || !text.empty()) is_bos_ws = false;
    bos_ws_seen = false;
    if (info.kind == Kind::kControl) continue;
    if (info.kind == Kind::kUnknown) {
      text += unk_surface_;
      continue;
    }
    std::string_view w = p;
    if (is_bos_ws && (add_dummy_prefix_ || remove_extra_whitespaces_)) {
      if (starts_with(w, kSpaceSymbol)) {
        w.remove_prefix(kSpaceSymbol.size());
        bos_ws_seen = !remove_extra_whitespaces_;
      }
    }
    for (size_t i = 0; i < w.size();) {
      if (w.compare(i, kSpaceSymbol.size(), kSpaceSymbol) == 0) {
        text.push_back(' ');
        i += kSpaceSymbol.size();
      } else {
        text.push_back(w[i++]);
      }
    }
  }
  append_bytes_as_utf8(bytes, text);
  return text;
}

}  // namespace tmf
