// LibTorch side of safetensors: load tensors (copied out of the mapping, optionally cast and moved)
// and save a name -> tensor map.
#pragma once
#include <torch/ordered_dict.h>
#include <torch/types.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "llm/safetensors.h"

namespace tmf::st {

torch::Dtype to_torch(DType d);
DType from_torch(torch::Dtype d);  // throws for dtypes safetensors cannot hold

// Tensor `name` as a new contiguous tensor (shape as stored), cast to `dtype` when given.
torch::Tensor load_tensor(const Checkpoint& ckpt, const std::string& name,
                          c10::optional<torch::Dtype> dtype = c10::nullopt,
                          torch::Device device = torch::kCPU);
std::map<std::string, torch::Tensor> load_all(const std::string& path);

// Copies a stored weight into `param` (cast to the parameter's dtype, moved to its device), after
// checking what a corrupt or foreign file gets wrong: the shape must be the parameter's, the stored
// dtype floating-point (an integer or bool tensor where a weight belongs is refused, not cast), and
// every value finite. Errors name `where` (the file) and `name` (the tensor).
void copy_weight(const torch::Tensor& param, const torch::Tensor& stored, const std::string& where,
                 const std::string& name);
// The dtype and value checks of copy_weight on a stored tensor alone (to validate before changing a model).
void check_weight_values(const torch::Tensor& stored, const std::string& where, const std::string& name);
// copy_weight of every parameter of `params` from `stored[prefix + key]`; a missing tensor is an
// error. Used entries are erased from `stored`, so what is left there is unexpected.
void copy_weights(const std::vector<std::pair<std::string, torch::Tensor>>& params,
                  std::map<std::string, torch::Tensor>& stored, const std::string& where,
                  const std::string& prefix = "");
// named_parameters() as the pairs copy_weights takes.
std::vector<std::pair<std::string, torch::Tensor>> parameter_list(const torch::OrderedDict<std::string, torch::Tensor>& d);

// Saves tensors (moved to CPU, made contiguous) atomically.
void save(const std::string& path, const std::map<std::string, torch::Tensor>& tensors,
          const std::map<std::string, std::string>& metadata = {});

}  // namespace tmf::st
