// safetensors reading and writing (https://huggingface.co/docs/safetensors): an 8-byte little-endian
// header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {...}}, then the
// raw little-endian tensor bytes. Files are memory-mapped; the header is validated before anything
// is allocated (length limit, offsets inside the file, no overlaps, shape x dtype = byte size), and
// every violation throws tmf::Error naming the file and the tensor. Sharded checkpoints are read
// through their model.safetensors.index.json.
//
// This header is torch-free on purpose (views and tmf_base may include it); tensor conversion is in
// safetensors_torch.h.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tmf::st {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };
size_t dtype_size(DType d);
const char* dtype_name(DType d);  // "F32", "BF16", ...
DType dtype_from_name(const std::string& name, const std::string& context);  // throws on unknown

struct TensorInfo {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // byte offsets into the data section
  uint64_t numel() const;
};

// One memory-mapped .safetensors file.
class File {
 public:
  explicit File(const std::string& path);  // maps and validates; throws tmf::Error
  ~File();
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  const std::string& path() const { return path_; }
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  const TensorInfo* find(const std::string& name) const;   // null when absent
  const TensorInfo& at(const std::string& name) const;     // throws naming file and tensor
  const uint8_t* data(const TensorInfo& t) const;          // points into the mapping
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  std::string path_;
  void* map_ = nullptr;
  size_t map_size_ = 0;
  uint64_t data_start_ = 0;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, size_t> index_;
  std::map<std::string, std::string> metadata_;
};

// A checkpoint: a single file, or a directory / index.json with shards. Lookup by tensor name.
class Checkpoint {
 public:
  // path: a .safetensors file, a model.safetensors.index.json, or a directory holding either
  // model.safetensors or model.safetensors.index.json (or adapter_model.safetensors).
  explicit Checkpoint(const std::string& path);
  std::vector<std::string> names() const;
  bool has(const std::string& name) const;
  // Values stored over all tensors (sum of their element counts): what a config's parameter count
  // is checked against before a model is allocated.
  uint64_t total_elements() const;
  const TensorInfo& info(const std::string& name) const;  // throws when absent
  const uint8_t* data(const std::string& name) const;
  const File& file_of(const std::string& name) const;

 private:
  std::vector<std::unique_ptr<File>> files_;
  std::map<std::string, size_t> where_;
};

// Raw writer: tensors given as (name, dtype, shape, bytes). Writes atomically (temp + rename).
struct RawTensor {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  const void* data;
  size_t nbytes;
};
void write_file(const std::string& path, const std::vector<RawTensor>& tensors,
                const std::map<std::string, std::string>& metadata = {});

}  // namespace tmf::st
