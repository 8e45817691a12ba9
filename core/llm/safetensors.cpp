// safetensors reading (memory-mapped, header validated before use) and atomic writing; see
// safetensors.h. Limits: little-endian hosts only (as the format); header at most kMaxHeaderBytes.
#include "llm/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "util/error.h"
#include "util/json_file.h"
#include "util/strings.h"

namespace tmf::st {
namespace fs = std::filesystem;

namespace {
constexpr uint64_t kMaxHeaderBytes = 100ull << 20;  // as the reference implementation
constexpr const char* kMetadataKey = "__metadata__";

struct DTypeEntry {
  DType dtype;
  const char* name;
  size_t size;
};
constexpr DTypeEntry kDTypes[] = {
    {DType::F64, "F64", 8}, {DType::F32, "F32", 4}, {DType::F16, "F16", 2}, {DType::BF16, "BF16", 2},
    {DType::I64, "I64", 8}, {DType::I32, "I32", 4}, {DType::I16, "I16", 2}, {DType::I8, "I8", 1},
    {DType::U8, "U8", 1},   {DType::BOOL, "BOOL", 1},
};

// a * b, failing on uint64 overflow.
bool mul_overflows(uint64_t a, uint64_t b, uint64_t& out) {
  if (a != 0 && b > std::numeric_limits<uint64_t>::max() / a) return true;
  out = a * b;
  return false;
}
}  // namespace

size_t dtype_size(DType d) {
  for (const auto& e : kDTypes)
    if (e.dtype == d) return e.size;
  fail("invalid safetensors dtype value ", static_cast<int>(d));
}

const char* dtype_name(DType d) {
  for (const auto& e : kDTypes)
    if (e.dtype == d) return e.name;
  fail("invalid safetensors dtype value ", static_cast<int>(d));
}

DType dtype_from_name(const std::string& name, const std::string& context) {
  for (const auto& e : kDTypes)
    if (name == e.name) return e.dtype;
  fail(context, ": unknown dtype '", name,
       "' (expected F64, F32, F16, BF16, I64, I32, I16, I8, U8 or BOOL)");
}

uint64_t TensorInfo::numel() const {
  uint64_t n = 1;
  for (int64_t d : shape) n *= static_cast<uint64_t>(d);
  return n;
}

// ---------------------------------------------------------------------------------------------
// File

File::File(const std::string& path) : path_(path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);  // a FIFO must not block the open
  if (fd < 0) fail("cannot open safetensors file '", path, "': ", std::strerror(errno));
  struct stat sb {};
  if (::fstat(fd, &sb) != 0) {
    int e = errno;
    ::close(fd);
    fail("cannot stat safetensors file '", path, "': ", std::strerror(e));
  }
  if (!S_ISREG(sb.st_mode)) {
    ::close(fd);
    fail("'", path, "' is not a regular file (expected a .safetensors file)");
  }
  const uint64_t file_size = static_cast<uint64_t>(sb.st_size);
  if (file_size < 8) {
    ::close(fd);
    fail("'", path, "' is not a safetensors file: ", file_size, " bytes, shorter than the 8-byte header length");
  }
  map_ = ::mmap(nullptr, file_size, PROT_READ, MAP_PRIVATE, fd, 0);
  int map_errno = errno;
  ::close(fd);
  if (map_ == MAP_FAILED) {
    map_ = nullptr;
    fail("cannot map safetensors file '", path, "': ", std::strerror(map_errno));
  }
  map_size_ = file_size;

  try {
    const auto* bytes = static_cast<const uint8_t*>(map_);
    uint64_t header_len = 0;
    for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | bytes[i];
    TMF_CHECK(header_len <= kMaxHeaderBytes, "'", path, "' is not a valid safetensors file: header length ",
              header_len, " bytes exceeds the limit of ", kMaxHeaderBytes, " bytes");
    TMF_CHECK(header_len <= file_size - 8, "'", path, "' is not a valid safetensors file (truncated?): header length ",
              header_len, " bytes but the file has only ", file_size - 8, " bytes after the length field");
    TMF_CHECK(header_len >= 2 && bytes[8] == '{', "'", path,
              "' is not a safetensors file: the header does not start with a JSON object");
    data_start_ = 8 + header_len;
    const uint64_t data_size = file_size - data_start_;

    nlohmann::json header;
    try {
      check_json_depth(std::string_view(reinterpret_cast<const char*>(bytes + 8), header_len),
                       "'" + path + "' safetensors header");
      header = nlohmann::json::parse(reinterpret_cast<const char*>(bytes + 8),
                                     reinterpret_cast<const char*>(bytes + 8 + header_len));
    } catch (const nlohmann::json::exception& e) {
      fail("'", path, "' is not a safetensors file: its header is not valid JSON (", e.what(), ")");
    }
    TMF_CHECK(header.is_object(), "'", path, "' is not a safetensors file: the header is not a JSON object");

    for (auto it = header.begin(); it != header.end(); ++it) {
      const std::string& name = it.key();
      const auto& v = it.value();
      if (name == kMetadataKey) {
        TMF_CHECK(v.is_object(), "'", path, "': __metadata__ is not an object");
        for (auto m = v.begin(); m != v.end(); ++m) {
          TMF_CHECK(m.value().is_string(), "'", path, "': __metadata__ entry '", m.key(), "' is not a string");
          metadata_[m.key()] = m.value().get<std::string>();
        }
        continue;
      }
      const std::string ctx = "'" + path + "' tensor '" + name + "'";
      TMF_CHECK(v.is_object(), ctx, ": header entry is not an object");
      TMF_CHECK(v.contains("dtype") && v["dtype"].is_string(), ctx, ": missing or non-string 'dtype'");
      TMF_CHECK(v.contains("shape") && v["shape"].is_array(), ctx, ": missing or non-array 'shape'");
      TMF_CHECK(v.contains("data_offsets") && v["data_offsets"].is_array() && v["data_offsets"].size() == 2,
                ctx, ": 'data_offsets' must be an array of two numbers");
      TensorInfo t;
      t.name = name;
      t.dtype = dtype_from_name(v["dtype"].get<std::string>(), ctx);
      uint64_t numel = 1;
      for (const auto& d : v["shape"]) {
        TMF_CHECK(d.is_number_integer(), ctx, ": shape entry ", d.dump(), " is not an integer");
        TMF_CHECK(!d.is_number_integer() || d.is_number_unsigned() || d.get<int64_t>() >= 0, ctx,
                  ": negative dimension ", d.dump(), " in shape ", v["shape"].dump());
        uint64_t du = d.get<uint64_t>();
        TMF_CHECK(du <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) && !mul_overflows(numel, du, numel),
                  ctx, ": shape ", v["shape"].dump(), " overflows");
        t.shape.push_back(static_cast<int64_t>(du));
      }
      const auto& off = v["data_offsets"];
      TMF_CHECK(off[0].is_number_unsigned() && off[1].is_number_unsigned(), ctx,
                ": data_offsets ", off.dump(), " must be non-negative integers");
      t.begin = off[0].get<uint64_t>();
      t.end = off[1].get<uint64_t>();
      TMF_CHECK(t.begin <= t.end, ctx, ": data_offsets ", off.dump(), " begin after end");
      TMF_CHECK(t.end <= data_size, ctx, ": data_offsets ", off.dump(), " lie outside the data section of ",
                data_size, " bytes (file truncated or corrupt)");
      uint64_t nbytes = 0;
      TMF_CHECK(!mul_overflows(numel, dtype_size(t.dtype), nbytes), ctx, ": shape ", v["shape"].dump(), " overflows");
      TMF_CHECK(nbytes == t.end - t.begin, ctx, ": shape ", v["shape"].dump(), " x ", dtype_name(t.dtype), " needs ",
                nbytes, " bytes but data_offsets ", off.dump(), " span ", t.end - t.begin);
      index_[name] = tensors_.size();
      tensors_.push_back(std::move(t));
    }

    // No two tensors may share bytes.
    std::vector<const TensorInfo*> order;
    for (const auto& t : tensors_)
      if (t.end > t.begin) order.push_back(&t);
    std::sort(order.begin(), order.end(), [](const TensorInfo* a, const TensorInfo* b) { return a->begin < b->begin; });
    for (size_t i = 1; i < order.size(); ++i)
      TMF_CHECK(order[i]->begin >= order[i - 1]->end, "'", path, "': tensor '", order[i]->name, "' [",
                order[i]->begin, ", ", order[i]->end, ") overlaps tensor '", order[i - 1]->name, "' [",
                order[i - 1]->begin, ", ", order[i - 1]->end, ")");
  } catch (...) {
    ::munmap(map_, map_size_);
    map_ = nullptr;
    throw;
  }
}

File::~File() {
  if (map_) ::munmap(map_, map_size_);
}

const TensorInfo* File::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

const TensorInfo& File::at(const std::string& name) const {
  const TensorInfo* t = find(name);
  TMF_CHECK(t, "tensor '", name, "' not found in '", path_, "' (", tensors_.size(), " tensors)");
  return *t;
}

const uint8_t* File::data(const TensorInfo& t) const {
  return static_cast<const uint8_t*>(map_) + data_start_ + t.begin;
}

// ---------------------------------------------------------------------------------------------
// Checkpoint

Checkpoint::Checkpoint(const std::string& path) {
  fs::path p(path);
  std::error_code ec;
  if (fs::is_directory(p, ec)) {
    if (fs::exists(p / "model.safetensors")) p = p / "model.safetensors";
    else if (fs::exists(p / "model.safetensors.index.json")) p = p / "model.safetensors.index.json";
    else if (fs::exists(p / "adapter_model.safetensors")) p = p / "adapter_model.safetensors";
    else fail("directory '", path, "' holds no model.safetensors, model.safetensors.index.json or adapter_model.safetensors");
  }
  const std::string ps = p.string();
  if (ends_with(ps, ".json")) {
    nlohmann::json index;
    try {
      index = parse_json(read_file(ps), "safetensors index '" + ps + "'");
    } catch (const nlohmann::json::exception& e) {
      fail("safetensors index '", ps, "' is not valid JSON: ", e.what());
    }
    TMF_CHECK(index.is_object() && index.contains("weight_map") && index["weight_map"].is_object(), "safetensors index '",
              ps, "' has no \"weight_map\" object");
    std::map<std::string, size_t> shard_of;  // shard file name -> files_ index
    const fs::path dir = p.parent_path();
    for (auto it = index["weight_map"].begin(); it != index["weight_map"].end(); ++it) {
      TMF_CHECK(it.value().is_string(), "safetensors index '", ps, "': weight_map entry '", it.key(), "' is not a string");
      const std::string shard = it.value().get<std::string>();
      TMF_CHECK(!shard.empty() && shard.find('/') == std::string::npos && shard != "..", "safetensors index '", ps,
                "': tensor '", it.key(), "' names an invalid shard '", shard, "'");
      auto s = shard_of.find(shard);
      if (s == shard_of.end()) {
        files_.push_back(std::make_unique<File>((dir / shard).string()));
        s = shard_of.emplace(shard, files_.size() - 1).first;
      }
      TMF_CHECK(files_[s->second]->find(it.key()), "safetensors index '", ps, "' places tensor '", it.key(), "' in '",
                files_[s->second]->path(), "' which does not hold it");
      where_[it.key()] = s->second;
    }
  } else {
    files_.push_back(std::make_unique<File>(ps));
    for (const auto& t : files_[0]->tensors()) where_[t.name] = 0;
  }
}

std::vector<std::string> Checkpoint::names() const {
  std::vector<std::string> out;
  out.reserve(where_.size());
  for (const auto& [name, _] : where_) out.push_back(name);
  return out;
}

bool Checkpoint::has(const std::string& name) const { return where_.count(name) != 0; }

uint64_t Checkpoint::total_elements() const {
  uint64_t n = 0;
  for (const auto& f : files_)
    for (const auto& t : f->tensors()) n += t.numel();
  return n;
}

const File& Checkpoint::file_of(const std::string& name) const {
  auto it = where_.find(name);
  if (it == where_.end()) {
    std::string files;
    for (const auto& f : files_) files += (files.empty() ? "'" : ", '") + f->path() + "'";
    fail("tensor '", name, "' not found in checkpoint ", files);
  }
  return *files_[it->second];
}

const TensorInfo& Checkpoint::info(const std::string& name) const { return file_of(name).at(name); }

const uint8_t* Checkpoint::data(const std::string& name) const {
  const File& f = file_of(name);
  return f.data(f.at(name));
}

// ---------------------------------------------------------------------------------------------
// Writer

void write_file(const std::string& path, const std::vector<RawTensor>& tensors,
                const std::map<std::string, std::string>& metadata) {
  // Order as the reference writer: larger element size first (keeps every tensor aligned), then name.
  std::vector<const RawTensor*> order;
  std::set<std::string> seen;
  for (const auto& t : tensors) {
    const std::string ctx = "writing '" + path + "' tensor '" + t.name + "'";
    TMF_CHECK(!t.name.empty() && t.name != kMetadataKey, "writing '", path, "': invalid tensor name '", t.name, "'");
    TMF_CHECK(seen.insert(t.name).second, ctx, ": duplicate tensor name");
    uint64_t numel = 1;
    for (int64_t d : t.shape) {
      TMF_CHECK(d >= 0, ctx, ": negative dimension ", d);
      TMF_CHECK(!mul_overflows(numel, static_cast<uint64_t>(d), numel), ctx, ": shape overflows");
    }
    uint64_t nbytes = 0;
    TMF_CHECK(!mul_overflows(numel, dtype_size(t.dtype), nbytes) && nbytes == t.nbytes, ctx, ": ", t.nbytes,
              " bytes given but the shape needs ", numel, " x ", dtype_size(t.dtype));
    TMF_CHECK(t.data || t.nbytes == 0, ctx, ": null data");
    order.push_back(&t);
  }
  std::sort(order.begin(), order.end(), [](const RawTensor* a, const RawTensor* b) {
    size_t sa = dtype_size(a->dtype), sb = dtype_size(b->dtype);
    return sa != sb ? sa > sb : a->name < b->name;
  });

  // Header text built by hand so __metadata__ comes first and tensors keep the data order.
  std::string header = "{";
  if (!metadata.empty()) header += "\"__metadata__\":" + nlohmann::json(metadata).dump();
  uint64_t offset = 0;
  for (const RawTensor* t : order) {
    if (header.size() > 1) header += ",";
    nlohmann::json entry;
    entry["dtype"] = dtype_name(t->dtype);
    entry["shape"] = t->shape;
    entry["data_offsets"] = {offset, offset + t->nbytes};
    header += nlohmann::json(t->name).dump() + ":" + entry.dump();
    offset += t->nbytes;
  }
  header += "}";
  while (header.size() % 8 != 0) header += ' ';  // reference pads the header with spaces to 8 bytes

  uint8_t len[8];
  const uint64_t hl = header.size();
  for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(hl >> (8 * i));
  write_file_atomic(path, [&](const WriteBytes& write) {
    write(len, 8);
    write(header.data(), header.size());
    for (const RawTensor* t : order) write(t->data, t->nbytes);
  });
}

}  // namespace tmf::st
