#include "train/adam.h"

#include <cmath>

#include "util/error.h"

namespace tmf {

Adam::Adam(std::vector<torch::Tensor> params, double beta1, double beta2, double eps)
    : params_(std::move(params)), t_(params_.size(), 0), lr_scale_(params_.size(), 1.0), beta1_(beta1), beta2_(beta2),
      eps_(eps) {
  for (auto& p : params_) {
    m_.push_back(torch::zeros_like(p, torch::MemoryFormat::Preserve));
    v_.push_back(torch::zeros_like(p, torch::MemoryFormat::Preserve));
  }
}

void Adam::set_lr_scales(std::vector<double> scales) {
  TMF_CHECK(scales.size() == params_.size(), "Adam: ", scales.size(), " lr scales for ", params_.size(), " parameters");
  lr_scale_ = std::move(scales);
}

void Adam::zero_grad() {
  for (auto& p : params_) p.mutable_grad() = torch::Tensor();
}

void Adam::step(double lr) {
  torch::NoGradGuard ng;
  for (size_t i = 0; i < params_.size(); ++i) {
    const auto& g = params_[i].grad();
    if (!g.defined()) continue;
    const int64_t t = ++t_[i];
    m_[i].mul_(beta1_).add_(g, 1 - beta1_);
    v_[i].mul_(beta2_).addcmul_(g, g, 1 - beta2_);
    const double bias1 = 1 - std::pow(beta1_, double(t));
    const double bias2 = 1 - std::pow(beta2_, double(t));
    auto denom = (v_[i].sqrt() / std::sqrt(bias2)).add_(eps_);
    params_[i].addcdiv_(m_[i], denom, -lr * lr_scale_[i] / bias1);
  }
}

std::map<std::string, torch::Tensor> Adam::state() const {
  std::map<std::string, torch::Tensor> out;
  for (size_t i = 0; i < params_.size(); ++i) {
    const std::string k = std::to_string(i);
    out["adam.m." + k] = m_[i].detach().cpu().clone();
    out["adam.v." + k] = v_[i].detach().cpu().clone();
    out["adam.t." + k] = torch::tensor({t_[i]}, torch::kInt64);
  }
  return out;
}

void Adam::load_state(const std::map<std::string, torch::Tensor>& state) {
  torch::NoGradGuard ng;
  auto get = [&](const std::string& name, const torch::Tensor& like) {
    auto it = state.find(name);
    TMF_CHECK(it != state.end(), "optimizer state lacks '", name, "'");
    if (like.defined())
      TMF_CHECK(it->second.sizes() == like.sizes(), "optimizer state '", name, "' has shape ", it->second.sizes(),
                ", the parameter has ", like.sizes());
    return it->second;
  };
  for (size_t i = 0; i < params_.size(); ++i) {
    const std::string k = std::to_string(i);
    m_[i].copy_(get("adam.m." + k, m_[i]));
    v_[i].copy_(get("adam.v." + k, v_[i]));
    t_[i] = get("adam.t." + k, {}).item<int64_t>();
  }
  TMF_CHECK(!state.count("adam.m." + std::to_string(params_.size())), "optimizer state has more than ",
            params_.size(), " parameters");
}

}  // namespace tmf
