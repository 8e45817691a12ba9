// Adam (Kingma & Ba 2015) with the exact update of torch::optim::Adam (no weight decay, no
// amsgrad), written out so that its state can be checkpointed as plain tensors in safetensors and
// read back identically by LibTorch 1.13 and 2.x (whose optimizer state maps differ):
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  p -= lr / (1 - b1^t) * m / (sqrt(v / (1 - b2^t)) + eps)
// Parameters whose gradient is undefined are skipped (their step count t does not advance), so one
// optimizer serves the per-task parameter groups of curriculum tuning.
#pragma once
#include <torch/types.h>

#include <map>
#include <string>
#include <vector>

namespace tmf {

class Adam {
 public:
  explicit Adam(std::vector<torch::Tensor> params, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8);
  void zero_grad();
  void step(double lr);
  // Per-parameter multipliers of the step's lr (parameter groups), one per parameter; default 1.
  void set_lr_scales(std::vector<double> scales);
  // State as named tensors ("adam.m.<i>", "adam.v.<i>", "adam.t.<i>"), on the CPU.
  std::map<std::string, torch::Tensor> state() const;
  // Restores a state() of an optimizer over parameters of the same shapes; throws naming the first
  // missing or mismatched tensor.
  void load_state(const std::map<std::string, torch::Tensor>& state);
  const std::vector<torch::Tensor>& params() const { return params_; }

 private:
  std::vector<torch::Tensor> params_, m_, v_;
  std::vector<int64_t> t_;
  std::vector<double> lr_scale_;
  double beta1_, beta2_, eps_;
};

}  // namespace tmf
