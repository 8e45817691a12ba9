#include "tmf/inference_requests.h"

#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "data/evaluation_rows.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/strings.h"

namespace tmf {

int64_t item_by_external_id(const Dataset& ds, const std::string& external_id) {
  auto id = ds.find_item(external_id);
  TMF_CHECK(id.has_value(), "dataset '", ds.path(), "' has no item with external id '", external_id, "'");
  return *id;
}

InferenceRequest request_from_user(const Dataset& ds, const std::string& user, const std::string& split,
                                   const std::string& candidates, const std::string& part) {
  const auto uid = ds.find_user(user);
  TMF_CHECK(uid.has_value(), "dataset '", ds.path(), "' has no user '", user, "'");
  const EvaluationRows rows = load_evaluation_rows(ds, split, candidates, part);
  const auto at = rows.find_user(*uid);
  TMF_CHECK(at.has_value(), "user '", user, "' has no ", part, " row in split '", split, "'");
  InferenceRequest rq;
  for (const auto& e : rows.rows[*at].history) {
    rq.history_items.push_back(e.item_id);
    rq.history_behaviors.push_back(e.behavior_id);
  }
  rq.candidates = rows.candidates[*at].items;
  rq.expected = rows.candidates[*at].truth_pos;
  rq.target_behavior = ds.target_behavior().id;
  return rq;
}

namespace {
std::string text_field(const nlohmann::json& j, const char* key, const std::string& what) {
  const auto& v = j.at(key);
  TMF_CHECK(v.is_string(), what, ": '", key, "' must be a string, not ", v.type_name());
  return v.get<std::string>();
}
}  // namespace

InferenceRequest request_from_json_text(const Dataset& ds, const std::string& text, const std::string& base_dir,
                                        const std::string& what) {
  const nlohmann::json j = parse_json(text, what);
  TMF_CHECK(j.is_object(), what, " must be a JSON object, not ", j.type_name());
  InferenceRequest rq;
  std::map<std::string, int64_t> new_ids;
  try {
    const nlohmann::json news = j.value("new_items", nlohmann::json::array());
    TMF_CHECK(news.is_array(), what, ": 'new_items' must be an array");
    for (const auto& n : news) {
      TMF_CHECK(n.is_object(), what, ": each of 'new_items' must be an object");
      NewItem it;
      it.id = -int64_t(rq.new_items.size()) - 1;
      it.name = text_field(n, "name", what);
      TMF_CHECK(!new_ids.count(it.name), what, ": two new items are named '", it.name, "'");
      TMF_CHECK(!ds.find_item(it.name), what, ": new item '", it.name, "' has the external id of a dataset item");
      if (n.contains("text")) it.text = text_field(n, "text", what);
      if (n.contains("image")) {
        std::filesystem::path img = text_field(n, "image", what);
        if (img.is_relative()) img = std::filesystem::path(base_dir) / img;
        const std::string bytes = read_file(img.string());
        it.image.assign(bytes.begin(), bytes.end());
      }
      new_ids[it.name] = it.id;
      rq.new_items.push_back(std::move(it));
    }
    auto resolve = [&](const std::string& s) {
      auto it = new_ids.find(s);
      return it != new_ids.end() ? it->second : item_by_external_id(ds, s);
    };
    const auto& history = j.at("history");
    TMF_CHECK(history.is_array(), what, ": 'history' must be an array");
    for (const auto& st : history) {
      TMF_CHECK(st.is_object(), what, ": each history step must be an object with 'item' and 'behavior'");
      rq.history_items.push_back(resolve(text_field(st, "item", what)));
      rq.history_behaviors.push_back(ds.behavior_id(text_field(st, "behavior", what)));
    }
    rq.target_behavior = j.contains("target") ? ds.behavior_id(text_field(j, "target", what)) : ds.target_behavior().id;
    const auto& cands = j.at("candidates");
    TMF_CHECK(cands.is_array(), what, ": 'candidates' must be an array");
    for (const auto& c : cands) {
      TMF_CHECK(c.is_string(), what, ": each candidate must be a string");
      rq.candidates.push_back(resolve(c.get<std::string>()));
    }
    if (j.contains("expected")) {
      const int64_t e = resolve(text_field(j, "expected", what));
      for (size_t c = 0; c < rq.candidates.size(); ++c)
        if (rq.candidates[c] == e) rq.expected = int(c);
      TMF_CHECK(rq.expected >= 0, what, ": the expected item is not among the candidates");
    }
  } catch (const nlohmann::json::exception& e) {
    fail(what, " is malformed: ", e.what());
  }
  return rq;
}

InferenceRequest request_from_json_file(const Dataset& ds, const std::string& path) {
  return request_from_json_text(ds, read_file(path), std::filesystem::path(path).parent_path().string(),
                                "request '" + path + "'");
}

}  // namespace tmf
