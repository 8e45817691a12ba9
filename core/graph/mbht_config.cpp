// MBHT settings and vocabulary: validation and JSON round trip.
#include "graph/mbht_config.h"

#include "util/error.h"

namespace tmf {

void MbhtConfig::validate(const std::string& context) const {
  TMF_CHECK(n_items > 0, context, ": n_items must be positive, got ", n_items);
  TMF_CHECK(n_behaviors > 0, context, ": n_behaviors must be positive, got ", n_behaviors);
  TMF_CHECK(target_behavior >= 1 && target_behavior <= n_behaviors, context, ": target_behavior row ", target_behavior,
            " is outside 1..", n_behaviors);
  TMF_CHECK(max_len >= 2, context, ": max_len must be at least 2 (history + target), got ", max_len);
  TMF_CHECK(hidden > 0 && heads > 0 && hidden % heads == 0, context, ": hidden ", hidden,
            " is not divisible by heads ", heads);
  TMF_CHECK(inner > 0, context, ": inner must be positive, got ", inner);
  TMF_CHECK(layers >= 1, context, ": layers must be at least 1, got ", layers);
  TMF_CHECK(dropout >= 0 && dropout < 1, context, ": dropout must be in [0, 1), got ", dropout);
  TMF_CHECK(low_rank >= 1, context, ": low_rank must be at least 1, got ", low_rank);
  for (int64_t s : scales) TMF_CHECK(s >= 2, context, ": every scale must be at least 2, got ", s);
  TMF_CHECK(hyper_topk >= 1, context, ": hyper_topk must be at least 1, got ", hyper_topk);
  TMF_CHECK(hyper_layers >= 1, context, ": hyper_layers must be at least 1, got ", hyper_layers);
  TMF_CHECK(mask_ratio >= 0 && mask_ratio < 1, context, ": mask_ratio must be in [0, 1), got ", mask_ratio);
}

void MbhtVocab::build_index() {
  item_index_.clear();
  behavior_index_.clear();
  for (size_t i = 0; i < item_ids.size(); ++i) {
    TMF_CHECK(item_index_.emplace(item_ids[i], int64_t(i) + 1).second, "mbht vocab: item id ", item_ids[i], " repeated");
  }
  for (size_t i = 0; i < behavior_ids.size(); ++i) {
    TMF_CHECK(behavior_index_.emplace(behavior_ids[i], int64_t(i) + 1).second, "mbht vocab: behavior id ",
              behavior_ids[i], " repeated");
  }
}

int64_t MbhtVocab::item_row(int64_t item_id) const {
  auto it = item_index_.find(item_id);
  TMF_CHECK(it != item_index_.end(), "item id ", item_id, " is not in the MBHT vocabulary (", item_ids.size(), " items)");
  return it->second;
}

int64_t MbhtVocab::behavior_row(int64_t behavior_id) const {
  auto it = behavior_index_.find(behavior_id);
  TMF_CHECK(it != behavior_index_.end(), "behavior id ", behavior_id, " is not in the MBHT vocabulary (",
            behavior_ids.size(), " behaviors)");
  return it->second;
}

nlohmann::json mbht_config_to_json(const MbhtConfig& c) {
  return {{"n_items", c.n_items},       {"n_behaviors", c.n_behaviors}, {"target_behavior", c.target_behavior},
          {"max_len", c.max_len},
          {"hidden", c.hidden},         {"inner", c.inner},             {"layers", c.layers},
          {"heads", c.heads},           {"dropout", c.dropout},         {"layer_norm_eps", c.layer_norm_eps},
          {"init_std", c.init_std},     {"low_rank", c.low_rank},       {"scales", c.scales},
          {"hyper_topk", c.hyper_topk}, {"hyper_layers", c.hyper_layers}, {"mask_ratio", c.mask_ratio}};
}

MbhtConfig mbht_config_from_json(const nlohmann::json& j, const std::string& context) {
  MbhtConfig c;
  try {
    c.n_items = j.at("n_items").get<int64_t>();
    c.n_behaviors = j.at("n_behaviors").get<int64_t>();
    c.target_behavior = j.at("target_behavior").get<int64_t>();
    c.max_len = j.at("max_len").get<int64_t>();
    c.hidden = j.at("hidden").get<int64_t>();
    c.inner = j.at("inner").get<int64_t>();
    c.layers = j.at("layers").get<int64_t>();
    c.heads = j.at("heads").get<int64_t>();
    c.dropout = j.at("dropout").get<double>();
    c.layer_norm_eps = j.at("layer_norm_eps").get<double>();
    c.init_std = j.at("init_std").get<double>();
    c.low_rank = j.at("low_rank").get<int64_t>();
    c.scales = j.at("scales").get<std::vector<int64_t>>();
    c.hyper_topk = j.at("hyper_topk").get<int64_t>();
    c.hyper_layers = j.at("hyper_layers").get<int64_t>();
    c.mask_ratio = j.at("mask_ratio").get<double>();
  } catch (const nlohmann::json::exception& e) {
    fail(context, ": bad MBHT config: ", e.what());
  }
  c.validate(context);
  return c;
}

nlohmann::json mbht_vocab_to_json(const MbhtVocab& v) {
  return {{"item_ids", v.item_ids}, {"behavior_ids", v.behavior_ids}, {"target_behavior_id", v.target_behavior_id}};
}

MbhtVocab mbht_vocab_from_json(const nlohmann::json& j, const std::string& context) {
  MbhtVocab v;
  try {
    v.item_ids = j.at("item_ids").get<std::vector<int64_t>>();
    v.behavior_ids = j.at("behavior_ids").get<std::vector<int64_t>>();
    v.target_behavior_id = j.at("target_behavior_id").get<int64_t>();
  } catch (const nlohmann::json::exception& e) {
    fail(context, ": bad MBHT vocabulary: ", e.what());
  }
  v.build_index();
  v.target_behavior_row();  // throws when the target is not among the behaviors
  return v;
}

}  // namespace tmf
