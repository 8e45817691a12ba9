// Shared trainer of the ranking baselines: Adam, per-epoch validation HR@1, early stopping.
#include "baselines/ranking_trainer.h"

#include <algorithm>
#include <chrono>
#include <map>

#include "util/error.h"
#include "util/rng.h"

namespace tmf {

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

torch::Device device_of(RankingNetImpl& net) {
  auto ps = net.parameters();
  return ps.empty() ? torch::Device(torch::kCPU) : ps[0].device();
}
}  // namespace

int64_t RankVocab::user_row(int64_t user_id) const {
  auto it = user_index_.find(user_id);
  return it == user_index_.end() ? 0 : it->second;
}

void RankVocab::build_index() {
  ids.build_index();
  user_index_.clear();
  for (size_t i = 0; i < user_ids.size(); ++i) user_index_[user_ids[i]] = int64_t(i) + 1;
}

RankVocab make_rank_vocab(const Dataset& ds) {
  RankVocab v;
  v.ids = make_mbht_vocab(ds);
  v.user_ids = ds.user_ids();
  v.build_index();
  return v;
}

RankDims rank_dims(const RankVocab& v, int64_t max_len) {
  TMF_CHECK(max_len >= 1, "max_len must be at least 1, got ", max_len);
  RankDims d;
  d.n_items = int64_t(v.ids.item_ids.size());
  d.n_behaviors = int64_t(v.ids.behavior_ids.size());
  d.n_users = int64_t(v.user_ids.size());
  d.target_behavior = v.ids.target_behavior_row();
  d.max_len = max_len;
  return d;
}

RankInput encode_rank_input(const RankVocab& v, int64_t L, const std::vector<const SplitRow*>& rows) {
  const int64_t B = int64_t(rows.size());
  RankInput in{torch::zeros({B}, torch::kInt64), torch::zeros({B, L}, torch::kInt64),
               torch::zeros({B, L}, torch::kInt64), torch::zeros({B, L}, torch::kBool)};
  auto ua = in.users.accessor<int64_t, 1>();
  auto ia = in.items.accessor<int64_t, 2>();
  auto ba = in.behaviors.accessor<int64_t, 2>();
  auto va = in.valid.accessor<bool, 2>();
  for (int64_t b = 0; b < B; ++b) {
    const SplitRow& r = *rows[size_t(b)];
    ua[b] = v.user_row(r.user_id);
    const int64_t n = std::min<int64_t>(int64_t(r.history.size()), L);
    for (int64_t j = 0; j < n; ++j) {
      const Event& e = r.history[r.history.size() - size_t(n) + size_t(j)];
      ia[b][L - n + j] = v.ids.item_row(e.item_id);
      ba[b][L - n + j] = v.ids.behavior_row(e.behavior_id);
      va[b][L - n + j] = true;
    }
  }
  return in;
}

void for_each_training_event(const Dataset& ds, const std::string& split,
                             const std::function<void(int64_t user, const Event&)>& fn) {
  std::map<int64_t, int64_t> cut;  // user -> first event id excluded
  for (const auto& r : load_split_rows(ds, split, "test")) cut[r.user_id] = r.target_event_id;
  for (const auto& r : load_split_rows(ds, split, "valid")) cut[r.user_id] = r.target_event_id;
  ds.for_each_user_events([&](int64_t user, const std::vector<Event>& events) {
    auto it = cut.find(user);
    for (const Event& e : events) {
      if (it != cut.end() && e.id == it->second) break;
      fn(user, e);
    }
  });
}

BehaviorGraph build_behavior_graph(const Dataset& ds, const RankVocab& v, const std::string& split) {
  const size_t NB = v.ids.behavior_ids.size();
  std::vector<std::vector<std::pair<int64_t, int64_t>>> edges(NB);
  for_each_training_event(ds, split, [&](int64_t user, const Event& e) {
    const int64_t u = v.user_row(user);
    if (u == 0) return;
    edges[size_t(v.ids.behavior_row(e.behavior_id) - 1)].emplace_back(u, v.ids.item_row(e.item_id));
  });
  BehaviorGraph g;
  for (auto& es : edges) {
    std::sort(es.begin(), es.end());
    es.erase(std::unique(es.begin(), es.end()), es.end());
    std::vector<int64_t> us, is;
    for (auto& [u, i] : es) {
      us.push_back(u);
      is.push_back(i);
    }
    g.users.push_back(torch::tensor(us, torch::kInt64));
    g.items.push_back(torch::tensor(is, torch::kInt64));
  }
  return g;
}

nlohmann::json RankTrainResult::summary() const {
  nlohmann::json curve = nlohmann::json::array();
  for (const auto& e : epochs) curve.push_back({{"epoch", e.epoch}, {"loss", e.loss}, {"valid_hr1", e.valid_hr1}});
  return {{"epochs_run", int64_t(epochs.size())}, {"best_epoch", best_epoch}, {"best_valid_hr1", best_valid_hr1},
          {"train_examples", train_examples},    {"seconds", seconds},        {"curve", curve}};
}

std::vector<std::vector<float>> score_ranking_net(RankingNetImpl& net, const RankVocab& v, const RankDims& d,
                                                  const std::vector<const SplitRow*>& rows,
                                                  const std::vector<std::vector<int64_t>>& candidates) {
  TMF_CHECK(rows.size() == candidates.size(), "score: ", rows.size(), " rows but ", candidates.size(),
            " candidate lists");
  std::vector<std::vector<float>> out(rows.size());
  if (rows.empty()) return out;
  torch::NoGradGuard no_grad;
  const bool was_training = net.is_training();
  net.eval();
  RankInput in = encode_rank_input(v, d.max_len, rows).to(device_of(net));
  torch::Tensor s = net.scores(in).to(torch::kCPU, torch::kFloat32).contiguous();  // (B, N)
  if (was_training) net.train();
  auto sa = s.accessor<float, 2>();
  for (size_t b = 0; b < rows.size(); ++b)
    for (int64_t item : candidates[b]) out[b].push_back(sa[int64_t(b)][v.ids.item_row(item) - 1]);
  return out;
}

RankEval evaluate_ranking_net(RankingNetImpl& net, const RankVocab& v, const RankDims& d, const EvaluationRows& rows,
                              int64_t batch_size) {
  RankEval ev;
  for (size_t at = 0; at < rows.rows.size(); at += size_t(batch_size)) {
    const size_t end = std::min(rows.rows.size(), at + size_t(batch_size));
    std::vector<const SplitRow*> rs;
    std::vector<std::vector<int64_t>> cs;
    for (size_t i = at; i < end; ++i) {
      rs.push_back(&rows.rows[i]);
      cs.push_back(rows.candidates[i].items);
    }
    auto scores = score_ranking_net(net, v, d, rs, cs);
    for (size_t i = at; i < end; ++i) {
      ev.rows++;
      ev.hits += is_rank_hit(scores[i - at], rows.candidates[i].truth_pos);
    }
  }
  return ev;
}

RankTrainResult train_ranking_net(RankingNetImpl& net, const RankVocab& v, const RankDims& d, const Dataset& ds,
                                  const RankTrainOptions& o, const Progress& progress,
                                  const std::function<void(const RankEpoch&)>& on_epoch) {
  const auto t_start = Clock::now();
  const std::vector<SplitRow> rows = training_rows(ds, o.split);
  TMF_CHECK(!rows.empty(), "split '", o.split, "' of ", ds.path(), " has no training examples");
  std::vector<const SplitRow*> ptrs;
  std::vector<int64_t> target_rows;
  for (const auto& r : rows) {
    ptrs.push_back(&r);
    target_rows.push_back(v.ids.item_row(r.target_item_id));
  }
  const RankInput all = encode_rank_input(v, d.max_len, ptrs);
  const torch::Tensor targets = torch::tensor(target_rows, torch::kInt64);
  const EvaluationRows valid_rows = load_evaluation_rows(ds, o.split, o.candidates, "valid");
  const torch::Device dev = device_of(net);

  FitHooks hooks;
  hooks.batch_loss = [&](const torch::Tensor& idx, Rng& rng) {
    return net.loss(all.index(idx).to(dev), targets.index_select(0, idx).to(dev), rng);
  };
  if (valid_rows.size() > 0) hooks.validate = [&] { return evaluate_ranking_net(net, v, d, valid_rows).hit_rate(); };
  hooks.on_epoch = on_epoch;
  RankTrainResult res;
  static_cast<FitResult&>(res) = fit(net, int64_t(rows.size()), o, hooks, progress);
  res.seconds = since(t_start);
  return res;
}

}  // namespace tmf
