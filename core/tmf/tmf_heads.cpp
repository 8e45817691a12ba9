#include "tmf/tmf_heads.h"

namespace tmf {

TmfHeadsImpl::TmfHeadsImpl(const FusionConfig& cfg, int64_t hidden_size) {
  fusion = register_module("fusion", ModalityFusion(cfg));
  item_adaptor = register_module("item_adaptor", Adaptor(cfg.cross_dim(), hidden_size));
  behavior_adaptor = register_module("behavior_adaptor", Adaptor(cfg.graph_dim, hidden_size));
}

}  // namespace tmf
