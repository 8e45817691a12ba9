// Minimal protobuf wire-format reader for SentencePiece's ModelProto (see sentencepiece_model.h).
#include "llm/sentencepiece_model.h"

#include <cstdint>
#include <cstring>

#include "util/error.h"

namespace tmf::spm {
namespace {

enum WireType { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

// A bounds-checked cursor over one message's bytes.
class WireReader {
 public:
  WireReader(std::string_view bytes, const std::string& what, const char* message)
      : p_(bytes.data()), end_(bytes.data() + bytes.size()), base_(bytes.data()), what_(what), message_(message) {}

  bool done() const { return p_ >= end_; }

  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) bad("truncated varint");
      const uint8_t b = static_cast<uint8_t>(*p_++);
      v |= uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    bad("varint longer than 10 bytes");
  }

  // Reads a tag; returns the field number and sets the wire type.
  uint32_t tag(int& wire_type) {
    const uint64_t t = varint();
    wire_type = int(t & 7);
    const uint64_t field = t >> 3;
    if (field == 0 || field > 0x1FFFFFFF) bad("invalid field number " + std::to_string(field));
    return uint32_t(field);
  }

  std::string_view bytes() {
    const uint64_t n = varint();
    if (n > uint64_t(end_ - p_))
      bad("length " + std::to_string(n) + " runs past the end (" + std::to_string(end_ - p_) + " bytes left)");
    std::string_view s(p_, size_t(n));
    p_ += n;
    return s;
  }

  uint32_t fixed32() {
    if (end_ - p_ < 4) bad("truncated fixed32");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t(uint8_t(p_[i])) << (8 * i);
    p_ += 4;
    return v;
  }

  float float32() {
    const uint32_t u = fixed32();
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
  }

  void skip(int wire_type) {
    switch (wire_type) {
      case kVarint: varint(); break;
      case kFixed64:
        if (end_ - p_ < 8) bad("truncated fixed64");
        p_ += 8;
        break;
      case kLengthDelimited: bytes(); break;
      case kFixed32: fixed32(); break;
      default: bad("unsupported wire type " + std::to_string(wire_type));
    }
  }

  // Checks that a known field has the expected wire type.
  void expect(int wire_type, int expected, uint32_t field) {
    if (wire_type != expected)
      bad("field " + std::to_string(field) + " has wire type " + std::to_string(wire_type) + ", expected " +
          std::to_string(expected));
  }

  [[noreturn]] void bad(const std::string& why) const {
    fail("not a SentencePiece model: ", what_, ": ", why, " in ", message_, " at byte offset ", p_ - base_);
  }

 private:
  const char* p_;
  const char* end_;
  const char* base_;
  const std::string& what_;
  const char* message_;
};

int32_t as_int32(uint64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v)); }

Piece parse_piece(std::string_view bytes, const std::string& what) {
  WireReader r(bytes, what, "SentencePiece");
  Piece p;
  while (!r.done()) {
    int wt;
    const uint32_t f = r.tag(wt);
    if (f == 1) {
      r.expect(wt, kLengthDelimited, f);
      p.text = std::string(r.bytes());
    } else if (f == 2) {
      r.expect(wt, kFixed32, f);
      p.score = r.float32();
    } else if (f == 3) {
      r.expect(wt, kVarint, f);
      const int32_t t = as_int32(r.varint());
      if (t < 1 || t > 6) r.bad("piece type " + std::to_string(t) + " is not one of 1..6");
      p.type = static_cast<PieceType>(t);
    } else {
      r.skip(wt);
    }
  }
  return p;
}

void parse_trainer_spec(std::string_view bytes, const std::string& what, ModelProto& m) {
  WireReader r(bytes, what, "TrainerSpec");
  while (!r.done()) {
    int wt;
    const uint32_t f = r.tag(wt);
    auto int_field = [&]() {
      r.expect(wt, kVarint, f);
      return as_int32(r.varint());
    };
    switch (f) {
      case 3: {
        const int32_t t = int_field();
        if (t < 1 || t > 4) r.bad("model_type " + std::to_string(t) + " is not one of 1..4");
        m.model_type = static_cast<ModelType>(t);
        break;
      }
      case 24: m.treat_whitespace_as_suffix = int_field() != 0; break;
      case 25: m.split_digits = int_field() != 0; break;
      case 35: m.byte_fallback = int_field() != 0; break;
      case 40: m.unk_id = int_field(); break;
      case 41: m.bos_id = int_field(); break;
      case 42: m.eos_id = int_field(); break;
      case 43: m.pad_id = int_field(); break;
      case 44:
        r.expect(wt, kLengthDelimited, f);
        m.unk_surface = std::string(r.bytes());
        break;
      default: r.skip(wt);
    }
  }
}

void parse_normalizer_spec(std::string_view bytes, const std::string& what, ModelProto& m) {
  WireReader r(bytes, what, "NormalizerSpec");
  while (!r.done()) {
    int wt;
    const uint32_t f = r.tag(wt);
    switch (f) {
      case 1:
        r.expect(wt, kLengthDelimited, f);
        m.normalizer_name = std::string(r.bytes());
        break;
      case 2:
        r.expect(wt, kLengthDelimited, f);
        m.precompiled_charsmap = std::string(r.bytes());
        break;
      case 3:
        r.expect(wt, kVarint, f);
        m.add_dummy_prefix = r.varint() != 0;
        break;
      case 4:
        r.expect(wt, kVarint, f);
        m.remove_extra_whitespaces = r.varint() != 0;
        break;
      case 5:
        r.expect(wt, kVarint, f);
        m.escape_whitespaces = r.varint() != 0;
        break;
      default: r.skip(wt);
    }
  }
}

}  // namespace

ModelProto parse_model_proto(std::string_view bytes, const std::string& what) {
  TMF_CHECK(!bytes.empty(), "not a SentencePiece model: ", what, ": the file is empty");
  WireReader r(bytes, what, "ModelProto");
  ModelProto m;
  while (!r.done()) {
    int wt;
    const uint32_t f = r.tag(wt);
    if (f == 1) {
      r.expect(wt, kLengthDelimited, f);
      m.pieces.push_back(parse_piece(r.bytes(), what));
    } else if (f == 2) {
      r.expect(wt, kLengthDelimited, f);
      parse_trainer_spec(r.bytes(), what, m);
    } else if (f == 3) {
      r.expect(wt, kLengthDelimited, f);
      parse_normalizer_spec(r.bytes(), what, m);
    } else {
      r.skip(wt);
    }
  }
  TMF_CHECK(!m.pieces.empty(), "not a SentencePiece model: ", what, ": it holds no pieces");
  return m;
}

}  // namespace tmf::spm
