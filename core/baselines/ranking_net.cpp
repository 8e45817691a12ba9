// Shared pieces of the ranking baselines: sparse mean adjacency, RecBole-style init, the kind
// dispatch.
#include "baselines/ranking_net.h"

#include "baselines/bert4rec.h"
#include "baselines/gru4rec.h"
#include "baselines/mbgcn.h"
#include "baselines/mbrec.h"
#include "baselines/sasrec.h"
#include "util/error.h"

namespace tmf {

torch::Tensor mean_adjacency(const torch::Tensor& rows, const torch::Tensor& cols, int64_t n_rows, int64_t n_cols) {
  TMF_CHECK(rows.numel() == cols.numel(), "mean_adjacency: ", rows.numel(), " rows but ", cols.numel(), " cols");
  torch::Tensor r = rows.to(torch::kInt64).reshape({-1}), c = cols.to(torch::kInt64).reshape({-1});
  torch::Tensor deg = torch::zeros({n_rows}, torch::kFloat32).index_add_(0, r, torch::ones({r.numel()}));
  torch::Tensor vals = 1.0 / deg.index_select(0, r);
  return torch::sparse_coo_tensor(torch::stack({r, c}), vals, {n_rows, n_cols}).coalesce();
}

void init_ranking_weights(torch::nn::Module& m, double std) {
  torch::NoGradGuard no_grad;
  auto ends_with = [](const std::string& s, const std::string& suf) {
    return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
  };
  for (auto& p : m.named_parameters()) {
    const std::string& name = p.key();
    torch::Tensor t = p.value();
    if (name.find("layernorm") != std::string::npos) {
      t.fill_(ends_with(name, "weight") ? 1.0 : 0.0);
    } else if (ends_with(name, "bias")) {
      t.zero_();
    } else {
      t.normal_(0.0, std);
    }
    // Padding rows of the item / behavior tables stay zero.
    if ((name == "item_embeddings.weight" || name == "behavior_embeddings.weight") && t.dim() == 2) t[0].zero_();
  }
}

nlohmann::json ranking_defaults(const std::string& kind) {
  if (kind == "gru4rec") return gru4rec_defaults();
  if (kind == "sasrec") return sasrec_defaults();
  if (kind == "bert4rec") return bert4rec_defaults();
  if (kind == "mbgcn") return mbgcn_defaults();
  if (kind == "mbrec") return mbrec_defaults();
  fail("unknown ranking model '", kind, "' (expected gru4rec, sasrec, bert4rec, mbgcn or mbrec)");
}

std::shared_ptr<RankingNetImpl> make_ranking_net(const std::string& kind, const nlohmann::json& s, const RankDims& d,
                                                 const BehaviorGraph& g) {
  TMF_CHECK(d.n_items > 0 && d.n_behaviors > 0, kind, ": the dataset has ", d.n_items, " items and ", d.n_behaviors,
            " behaviors");
  try {
    if (kind == "gru4rec") return std::make_shared<Gru4recImpl>(s, d);
    if (kind == "sasrec") return std::make_shared<SasrecImpl>(s, d);
    if (kind == "bert4rec") return std::make_shared<Bert4recImpl>(s, d);
    if (kind == "mbgcn") return std::make_shared<MbgcnImpl>(s, d, g);
    if (kind == "mbrec") return std::make_shared<MbrecImpl>(s, d, g);
  } catch (const nlohmann::json::exception& e) {
    fail(kind, ": bad settings: ", e.what());
  }
  fail("unknown ranking model '", kind, "' (expected gru4rec, sasrec, bert4rec, mbgcn or mbrec)");
}

BehaviorAdjacency::BehaviorAdjacency(const BehaviorGraph& g, const RankDims& d) {
  for (int64_t b = 0; b < d.n_behaviors; ++b) {
    ui.push_back(mean_adjacency(g.users[size_t(b)], g.items[size_t(b)], d.n_users + 1, d.n_items + 1));
    iu.push_back(mean_adjacency(g.items[size_t(b)], g.users[size_t(b)], d.n_items + 1, d.n_users + 1));
  }
}

void BehaviorAdjacency::to(const torch::Device& dev) {
  for (auto& a : ui) a = a.to(dev);
  for (auto& a : iu) a = a.to(dev);
}

}  // namespace tmf
