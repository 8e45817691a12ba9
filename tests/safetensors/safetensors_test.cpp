// safetensors reader/writer (torch-free): round trips of every dtype, the fixtures, a sharded
// checkpoint, and each kind of bad input giving a tmf::Error that names the file and the tensor.
#include "llm/safetensors.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "util/error.h"
#include "util/strings.h"

namespace fs = std::filesystem;
using namespace tmf::st;

namespace {
const std::string kFixtures = std::string(TMF_SHARED_DIR) + "/fixtures/hf-tiny";

std::string temp_dir() {
  fs::path d = fs::temp_directory_path() / ("tmf_st_test_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d.string();
}

// Writes an 8-byte length, the given header text and data bytes, as a hand-made file.
std::string write_raw(const std::string& name, const std::string& header, const std::string& data) {
  std::string path = temp_dir() + "/" + name;
  std::string bytes(8, '\0');
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) bytes[i] = char((n >> (8 * i)) & 0xff);
  bytes += header + data;
  tmf::write_file_atomic(path, bytes);
  return path;
}

// The message of the tmf::Error thrown by opening `path` ("" when nothing is thrown).
std::string open_error(const std::string& path) {
  try {
    File f(path);
  } catch (const tmf::Error& e) {
    return e.what();
  }
  return "";
}

void expect_error_naming(const std::string& path, const std::string& tensor, const std::string& what) {
  std::string msg = open_error(path);
  ASSERT_FALSE(msg.empty()) << "no error for " << path;
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  if (!tensor.empty()) {
    EXPECT_NE(msg.find("'" + tensor + "'"), std::string::npos) << msg;
  }
  EXPECT_NE(msg.find(what), std::string::npos) << msg;
}
}  // namespace

TEST(Safetensors, RoundTripEveryDType) {
  const DType all[] = {DType::F64, DType::F32, DType::F16, DType::BF16, DType::I64,
                       DType::I32, DType::I16, DType::I8,  DType::U8,   DType::BOOL};
  std::vector<std::vector<uint8_t>> payloads;
  std::vector<RawTensor> tensors;
  int k = 0;
  for (DType d : all) {
    std::vector<int64_t> shape = {2, 3 + k % 2};
    size_t n = size_t(shape[0] * shape[1]) * dtype_size(d);
    std::vector<uint8_t> bytes(n);
    for (size_t i = 0; i < n; ++i) bytes[i] = uint8_t(d == DType::BOOL ? (i + k) % 2 : (i * 37 + k * 11) & 0xff);
    payloads.push_back(std::move(bytes));
    tensors.push_back({std::string("t_") + dtype_name(d), d, shape, payloads.back().data(), n});
    ++k;
  }
  // A scalar and an empty tensor too.
  float scalar = 2.5f;
  tensors.push_back({"scalar", DType::F32, {}, &scalar, 4});
  tensors.push_back({"empty", DType::F32, {0, 4}, nullptr, 0});
  std::string path = temp_dir() + "/all.safetensors";
  write_file(path, tensors, {{"format", "pt"}, {"note", "a \"quoted\" value"}});

  // Header length is a multiple of 8, as the reference writer pads it.
  std::string raw = tmf::read_file(path);
  uint64_t hl = 0;
  for (int i = 7; i >= 0; --i) hl = (hl << 8) | uint8_t(raw[i]);
  EXPECT_EQ(hl % 8, 0u);

  File f(path);
  EXPECT_EQ(f.tensors().size(), tensors.size());
  EXPECT_EQ(f.metadata().at("format"), "pt");
  EXPECT_EQ(f.metadata().at("note"), "a \"quoted\" value");
  for (const auto& t : tensors) {
    const TensorInfo& info = f.at(t.name);
    EXPECT_EQ(info.dtype, t.dtype) << t.name;
    EXPECT_EQ(info.shape, t.shape) << t.name;
    ASSERT_EQ(info.end - info.begin, t.nbytes) << t.name;
    if (t.nbytes) {
      EXPECT_EQ(std::memcmp(f.data(info), t.data, t.nbytes), 0) << t.name;
    }
    EXPECT_EQ(dtype_from_name(dtype_name(t.dtype), "test"), t.dtype);
  }
  EXPECT_EQ(f.at("scalar").numel(), 1u);
  EXPECT_EQ(f.at("empty").numel(), 0u);
}

TEST(Safetensors, ReadsLlamaFixture) {
  Checkpoint ckpt(kFixtures + "/llama");  // directory form
  EXPECT_EQ(ckpt.names().size(), 21u);
  const TensorInfo& emb = ckpt.info("model.embed_tokens.weight");
  EXPECT_EQ(emb.dtype, DType::F32);
  EXPECT_EQ(emb.shape, (std::vector<int64_t>{384, 64}));
  EXPECT_EQ(ckpt.file_of("lm_head.weight").metadata().at("format"), "pt");
}

TEST(Safetensors, ReadsGoldenValues) {
  File f(kFixtures + "/golden.safetensors");
  const TensorInfo& ids = f.at("clip.text_ids");
  ASSERT_EQ(ids.dtype, DType::I64);
  ASSERT_EQ(ids.shape, (std::vector<int64_t>{2, 24}));
  std::vector<int64_t> v(48);
  std::memcpy(v.data(), f.data(ids), 48 * 8);
  EXPECT_EQ(v[0], 198);
  EXPECT_EQ(v[10], 199);
  EXPECT_EQ(v[11], 0);
  EXPECT_EQ(v[47], 199);
  const TensorInfo& px = f.at("clip.pixel_values");
  std::vector<float> p(px.numel());
  std::memcpy(p.data(), f.data(px), p.size() * 4);
  double sum = 0;
  for (float x : p) sum += x;
  EXPECT_NEAR(sum, -501.86986020370387, 1e-3);  // computed with Python's struct module
  EXPECT_FLOAT_EQ(p[0], -1.4710972309112549f);
}

TEST(Safetensors, ShardedCheckpoint) {
  std::string dir = temp_dir() + "/sharded";
  fs::create_directories(dir);
  std::vector<float> a = {1, 2, 3}, b = {4, 5}, c = {6};
  write_file(dir + "/model-00001-of-00002.safetensors", {{"a", DType::F32, {3}, a.data(), 12}, {"b", DType::F32, {2}, b.data(), 8}});
  write_file(dir + "/model-00002-of-00002.safetensors", {{"c", DType::F32, {1, 1}, c.data(), 4}});
  nlohmann::json index = {{"metadata", {{"total_size", 24}}},
                          {"weight_map",
                           {{"a", "model-00001-of-00002.safetensors"},
                            {"b", "model-00001-of-00002.safetensors"},
                            {"c", "model-00002-of-00002.safetensors"}}}};
  tmf::write_file_atomic(dir + "/model.safetensors.index.json", index.dump());
  for (const std::string& p : {dir, dir + "/model.safetensors.index.json"}) {
    Checkpoint ckpt(p);
    EXPECT_EQ(ckpt.names(), (std::vector<std::string>{"a", "b", "c"}));
    float x;
    std::memcpy(&x, ckpt.data("b") + 4, 4);
    EXPECT_EQ(x, 5.0f);
    std::memcpy(&x, ckpt.data("c"), 4);
    EXPECT_EQ(x, 6.0f);
    EXPECT_NE(ckpt.file_of("c").path().find("00002"), std::string::npos);
    EXPECT_TRUE(ckpt.has("a"));
    EXPECT_FALSE(ckpt.has("d"));
    try {
      ckpt.info("d");
      ADD_FAILURE() << "missing tensor did not throw";
    } catch (const tmf::Error& e) {
      EXPECT_NE(std::string(e.what()).find("'d'"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("00001"), std::string::npos) << e.what();
    }
  }
  // Index pointing a tensor at a shard that lacks it.
  index["weight_map"]["d"] = "model-00002-of-00002.safetensors";
  tmf::write_file_atomic(dir + "/model.safetensors.index.json", index.dump());
  try {
    Checkpoint ckpt(dir);
    ADD_FAILURE() << "bad index accepted";
  } catch (const tmf::Error& e) {
    EXPECT_NE(std::string(e.what()).find("'d'"), std::string::npos) << e.what();
  }
}

TEST(Safetensors, MissingTensorLookup) {
  std::string path = kFixtures + "/golden.safetensors";
  File f(path);
  EXPECT_EQ(f.find("nope"), nullptr);
  try {
    f.at("nope");
    FAIL();
  } catch (const tmf::Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("'nope'"), std::string::npos) << m;
    EXPECT_NE(m.find(path), std::string::npos) << m;
  }
}

TEST(SafetensorsBadInput, TruncatedFile) {
  std::vector<float> v(16, 1.0f);
  std::string good = temp_dir() + "/good.safetensors";
  write_file(good, {{"w", DType::F32, {16}, v.data(), 64}});
  std::string raw = tmf::read_file(good);
  std::string path = temp_dir() + "/truncated.safetensors";
  tmf::write_file_atomic(path, raw.substr(0, raw.size() - 10));
  expect_error_naming(path, "w", "outside the data section");
  // Truncated inside the header too.
  tmf::write_file_atomic(path, raw.substr(0, 20));
  expect_error_naming(path, "", "truncated");
  tmf::write_file_atomic(path, raw.substr(0, 5));
  expect_error_naming(path, "", "not a safetensors file");
}

TEST(SafetensorsBadInput, HeaderClaimingTerabytes) {
  std::string path = temp_dir() + "/huge_header.safetensors";
  std::string bytes(8, '\0');
  uint64_t n = 5ull << 40;
  for (int i = 0; i < 8; ++i) bytes[i] = char((n >> (8 * i)) & 0xff);
  tmf::write_file_atomic(path, bytes + "{}");
  expect_error_naming(path, "", "exceeds the limit");
  // A tensor whose shape claims terabytes while its offsets are small.
  path = write_raw("huge_shape.safetensors",
                   R"({"big":{"dtype":"F32","shape":[1048576,1048576,1048576],"data_offsets":[0,4]}})", "abcd");
  expect_error_naming(path, "big", "needs");
  path = write_raw("overflow_shape.safetensors",
                   R"({"big":{"dtype":"F64","shape":[4294967296,4294967296,16],"data_offsets":[0,4]}})", "abcd");
  expect_error_naming(path, "big", "overflows");
}

TEST(SafetensorsBadInput, OffsetsOutOfBounds) {
  std::string path = write_raw("oob.safetensors", R"({"x":{"dtype":"U8","shape":[8],"data_offsets":[4,12]}})", "12345678");
  expect_error_naming(path, "x", "outside the data section");
  path = write_raw("neg.safetensors", R"({"x":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}})", "1");
  expect_error_naming(path, "x", "data_offsets");
  path = write_raw("rev.safetensors", R"({"x":{"dtype":"U8","shape":[0],"data_offsets":[4,2]}})", "1234");
  expect_error_naming(path, "x", "begin after end");
}

TEST(SafetensorsBadInput, OverlappingTensors) {
  std::string path = write_raw("overlap.safetensors",
                               R"({"a":{"dtype":"U8","shape":[6],"data_offsets":[0,6]},)"
                               R"("b":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}})",
                               "12345678");
  std::string msg = open_error(path);
  EXPECT_NE(msg.find("overlaps"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'a'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'b'"), std::string::npos) << msg;
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
}

TEST(SafetensorsBadInput, WrongSize) {
  std::string path = write_raw("size.safetensors", R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", "12345678");
  expect_error_naming(path, "w", "needs 12 bytes");
}

TEST(SafetensorsBadInput, UnknownDTypeAndNegativeDim) {
  std::string path = write_raw("dtype.safetensors", R"({"w":{"dtype":"F7","shape":[1],"data_offsets":[0,1]}})", "1");
  expect_error_naming(path, "w", "unknown dtype 'F7'");
  path = write_raw("negdim.safetensors", R"({"w":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}})", "1");
  expect_error_naming(path, "w", "negative dimension");
  path = write_raw("noshape.safetensors", R"({"w":{"dtype":"U8","data_offsets":[0,1]}})", "1");
  expect_error_naming(path, "w", "shape");
}

TEST(SafetensorsBadInput, NotASafetensorsFile) {
  std::string path = temp_dir() + "/text.safetensors";
  tmf::write_file_atomic(path, "This is a plain text file, not a checkpoint at all.\n");
  expect_error_naming(path, "", "not a");
  path = write_raw("badjson.safetensors", R"({"w": {"dtype": )", "");
  expect_error_naming(path, "", "not valid JSON");
  path = write_raw("array.safetensors", "[1,2,3]", "");
  expect_error_naming(path, "", "JSON object");
  expect_error_naming(temp_dir() + "/does_not_exist.safetensors", "", "cannot open");
  try {
    Checkpoint c(temp_dir() + "/sharded_missing_dir_xyz");
    FAIL();
  } catch (const tmf::Error& e) {
    EXPECT_NE(std::string(e.what()).find("sharded_missing_dir_xyz"), std::string::npos);
  }
}

TEST(SafetensorsBadInput, WriterRejectsInconsistentTensors) {
  float x[2] = {1, 2};
  std::string path = temp_dir() + "/w.safetensors";
  EXPECT_THROW(write_file(path, {{"x", DType::F32, {3}, x, 8}}), tmf::Error);
  EXPECT_THROW(write_file(path, {{"x", DType::F32, {2}, x, 8}, {"x", DType::F32, {2}, x, 8}}), tmf::Error);
  EXPECT_THROW(write_file(path, {{"x", DType::F32, {-2}, x, 8}}), tmf::Error);
  EXPECT_FALSE(fs::exists(path));
}
