// The trainable modules TMF adds to its backbone (paper §4.1-4.2): the modality fusion module
// (fusion/modality_fusion.h, Eq. 5-8) and the two adaptors that map a fused item vector and a
// graph behavior embedding into the token space (fusion/adaptor.h). Keys of heads.safetensors
// follow the module paths ("fusion.amsa.q_proj.weight", "item_adaptor.fc1.weight", ...).
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "fusion/adaptor.h"
#include "fusion/modality_fusion.h"

namespace tmf {

struct TmfHeadsImpl : torch::nn::Module {
  TmfHeadsImpl(const FusionConfig& fusion_cfg, int64_t hidden_size);
  ModalityFusion fusion{nullptr};
  Adaptor item_adaptor{nullptr};      // (Dc -> C)
  Adaptor behavior_adaptor{nullptr};  // (Dg -> C)
};
TORCH_MODULE(TmfHeads);

}  // namespace tmf
