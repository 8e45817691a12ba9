// LibTorch side of safetensors: load tensors (copied out of the mapping, optionally cast and moved)
// and save a name -> tensor map.
#pragma once
#include <torch/types.h>

#include <map>
#include <string>

#include "llm/safetensors.h"

namespace tmf::st {

torch::Dtype to_torch(DType d);
DType from_torch(torch::Dtype d);  // throws for dtypes safetensors cannot hold

// Tensor `name` as a new contiguous tensor (shape as stored), cast to `dtype` when given.
torch::Tensor load_tensor(const Checkpoint& ckpt, const std::string& name,
                          c10::optional<torch::Dtype> dtype = c10::nullopt,
                          torch::Device device = torch::kCPU);
std::map<std::string, torch::Tensor> load_all(const std::string& path);

// Saves tensors (moved to CPU, made contiguous) atomically.
void save(const std::string& path, const std::map<std::string, torch::Tensor>& tensors,
          const std::map<std::string, std::string>& metadata = {});

}  // namespace tmf::st
