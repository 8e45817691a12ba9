// LibTorch side of safetensors: tensors are copied out of the mapping (the mapping may close),
// then cast and moved. See safetensors_torch.h.
#include "llm/safetensors_torch.h"

#include <torch/torch.h>

#include <cstring>

#include "util/error.h"

namespace tmf::st {

torch::Dtype to_torch(DType d) {
  switch (d) {
    case DType::F64: return torch::kFloat64;
    case DType::F32: return torch::kFloat32;
    case DType::F16: return torch::kFloat16;
    case DType::BF16: return torch::kBFloat16;
    case DType::I64: return torch::kInt64;
    case DType::I32: return torch::kInt32;
    case DType::I16: return torch::kInt16;
    case DType::I8: return torch::kInt8;
    case DType::U8: return torch::kUInt8;
    case DType::BOOL: return torch::kBool;
  }
  fail("invalid safetensors dtype value ", static_cast<int>(d));
}

DType from_torch(torch::Dtype d) {
  switch (d) {
    case torch::kFloat64: return DType::F64;
    case torch::kFloat32: return DType::F32;
    case torch::kFloat16: return DType::F16;
    case torch::kBFloat16: return DType::BF16;
    case torch::kInt64: return DType::I64;
    case torch::kInt32: return DType::I32;
    case torch::kInt16: return DType::I16;
    case torch::kInt8: return DType::I8;
    case torch::kUInt8: return DType::U8;
    case torch::kBool: return DType::BOOL;
    default: break;
  }
  fail("torch dtype ", c10::toString(d), " cannot be stored in safetensors");
}

torch::Tensor load_tensor(const Checkpoint& ckpt, const std::string& name, c10::optional<torch::Dtype> dtype,
                          torch::Device device) {
  const TensorInfo& info = ckpt.info(name);
  const uint8_t* src = ckpt.data(name);
  torch::Tensor t = torch::empty(info.shape, torch::TensorOptions().dtype(to_torch(info.dtype)));
  if (info.end > info.begin) std::memcpy(t.data_ptr(), src, info.end - info.begin);
  if (dtype && *dtype != t.scalar_type()) t = t.to(*dtype);
  if (device != t.device()) t = t.to(device);
  return t;
}

std::map<std::string, torch::Tensor> load_all(const std::string& path) {
  Checkpoint ckpt(path);
  std::map<std::string, torch::Tensor> out;
  for (const auto& name : ckpt.names()) out[name] = load_tensor(ckpt, name);
  return out;
}

namespace {
void check_float(const torch::Tensor& stored, const std::string& where, const std::string& name) {
  TMF_CHECK(c10::isFloatingType(stored.scalar_type()), where, ": tensor '", name, "' is stored as ",
            c10::toString(stored.scalar_type()), "; a weight must be floating-point (F32, F16, BF16 or F64)");
}
void check_finite(const torch::Tensor& t, const std::string& where, const std::string& name) {
  TMF_CHECK(t.numel() == 0 || torch::isfinite(t).all().item<bool>(), where, ": tensor '", name,
            "' holds NaN or infinite values");
}
}  // namespace

void check_weight_values(const torch::Tensor& stored, const std::string& where, const std::string& name) {
  check_float(stored, where, name);
  check_finite(stored, where, name);
}

void copy_weight(const torch::Tensor& param, const torch::Tensor& stored, const std::string& where,
                 const std::string& name) {
  TMF_CHECK(stored.sizes() == param.sizes(), where, ": tensor '", name, "' has shape ", stored.sizes(),
            ", the model expects ", param.sizes());
  check_float(stored, where, name);
  torch::NoGradGuard ng;
  param.copy_(stored);
  check_finite(param, where, name);  // on the parameter's device: fast on a GPU
}

void copy_weights(const std::vector<std::pair<std::string, torch::Tensor>>& params,
                  std::map<std::string, torch::Tensor>& stored, const std::string& where, const std::string& prefix) {
  for (const auto& [key, param] : params) {
    auto it = stored.find(prefix + key);
    TMF_CHECK(it != stored.end(), where, ": tensor '", prefix + key, "' is missing");
    copy_weight(param, it->second, where, prefix + key);
    stored.erase(it);
  }
}

std::vector<std::pair<std::string, torch::Tensor>> parameter_list(const torch::OrderedDict<std::string, torch::Tensor>& d) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& item : d) out.emplace_back(item.key(), item.value());
  return out;
}

void save(const std::string& path, const std::map<std::string, torch::Tensor>& tensors,
          const std::map<std::string, std::string>& metadata) {
  std::vector<torch::Tensor> keep;  // CPU contiguous copies, alive until written
  std::vector<RawTensor> raw;
  keep.reserve(tensors.size());
  raw.reserve(tensors.size());
  for (const auto& [name, t] : tensors) {
    TMF_CHECK(t.defined(), "saving '", path, "': tensor '", name, "' is undefined");
    torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
    keep.push_back(c);
    raw.push_back(RawTensor{name, from_torch(c.scalar_type()), c.sizes().vec(), c.data_ptr(),
                            static_cast<size_t>(c.numel()) * c.element_size()});
  }
  write_file(path, raw, metadata);
}

}  // namespace tmf::st
