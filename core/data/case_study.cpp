#include "data/case_study.h"

#include <nlohmann/json.hpp>
#include <set>

#include "data/dataset.h"
#include "data/image.h"
#include "data/sqlite.h"
#include "util/error.h"
#include "util/json_file.h"

namespace tmf {
namespace {

using json = nlohmann::json;

void check_case(const Dataset& ds, const CaseStudy& cs) {
  TMF_CHECK(!cs.name.empty(), "a case study needs a name");
  std::set<int64_t> new_ids;
  for (const CaseItem& it : cs.new_items) {
    TMF_CHECK(it.id < 0, "new item '", it.name, "' has id ", it.id, "; new items need negative ids");
    TMF_CHECK(new_ids.insert(it.id).second, "new item id ", it.id, " is used twice");
    TMF_CHECK(!it.name.empty(), "new item ", it.id, " has no name");
    if (!it.image.empty()) probe_image(it.image.data(), it.image.size(), "of new item '" + it.name + "'");
  }
  std::set<int64_t> behaviors;
  for (const Behavior& b : ds.behaviors()) behaviors.insert(b.id);
  auto check_item = [&](int64_t id, const char* where) {
    if (id < 0) {
      TMF_CHECK(new_ids.count(id), where, " names new item ", id, " but the case study has no such item");
    } else {
      auto st = ds.db().prepare("SELECT count(*) FROM items WHERE id = ?");
      st.bind(1, id);
      st.step();
      TMF_CHECK(st.col_int(0) == 1, where, " names item ", id, " which is not in dataset '", ds.path(), "'");
    }
  };
  for (const CaseStep& s : cs.steps) {
    check_item(s.item_id, "a step");
    TMF_CHECK(behaviors.count(s.behavior_id), "a step has behavior id ", s.behavior_id, " which is not in the vocabulary");
  }
  TMF_CHECK(cs.target_behavior == 0 || behaviors.count(cs.target_behavior), "target behavior id ",
            cs.target_behavior, " is not in the vocabulary");
  for (int64_t c : cs.candidates) check_item(c, "a candidate");
  TMF_CHECK(cs.expected >= -1 && cs.expected < int(cs.candidates.size()), "expected answer index ", cs.expected,
            " is outside the ", cs.candidates.size(), " candidates");
}

std::string payload_of(const CaseStudy& cs) {
  json steps = json::array();
  for (const CaseStep& s : cs.steps) steps.push_back({{"item", s.item_id}, {"behavior", s.behavior_id}});
  json refs = json::array();
  for (const CaseItem& it : cs.new_items) refs.push_back(it.id);
  json j = {{"version", 1},           {"steps", steps},
            {"target_behavior", cs.target_behavior}, {"candidates", cs.candidates},
            {"candidate_seed", cs.candidate_seed},   {"expected", cs.expected},
            {"new_item_ids", refs}};
  return j.dump();
}

}  // namespace

int64_t save_case_study(Dataset& ds, CaseStudy& cs) {
  check_case(ds, cs);
  sql::Db& db = ds.db();
  sql::Transaction tx(db);
  const std::string now = now_iso8601();
  if (cs.id > 0) {
    auto up = db.prepare("UPDATE case_studies SET name = ?, notes = ?, payload = ?, updated = ? WHERE id = ?");
    up.bind(1, cs.name).bind(2, cs.notes).bind(3, payload_of(cs)).bind(4, now).bind(5, cs.id).run();
    TMF_CHECK(db.changes() == 1, "case study ", cs.id, " is not in dataset '", ds.path(), "'");
    db.prepare("DELETE FROM case_items WHERE case_id = ?").bind(1, cs.id).run();
  } else {
    auto ins = db.prepare("INSERT INTO case_studies(name, notes, payload, created, updated) VALUES(?, ?, ?, ?, ?)");
    ins.bind(1, cs.name).bind(2, cs.notes).bind(3, payload_of(cs)).bind(4, now).bind(5, now).run();
    cs.id = db.last_insert_id();
    cs.created = now;
  }
  cs.updated = now;
  // Rows are inserted in new_items order; load pairs them with new_item_ids by ascending row id.
  auto item = db.prepare("INSERT INTO case_items(case_id, name, text, image, image_format) VALUES(?, ?, ?, ?, ?)");
  for (const CaseItem& it : cs.new_items) {
    item.bind(1, cs.id).bind(2, it.name).bind(3, it.text);
    if (it.image.empty()) {
      item.bind_null(4).bind_null(5);
    } else {
      item.bind_blob(4, it.image.data(), it.image.size());
      item.bind(5, probe_image(it.image.data(), it.image.size(), "of new item '" + it.name + "'").format);
    }
    item.run();
    item.reset();
  }
  tx.commit();
  return cs.id;
}

CaseStudy load_case_study(const Dataset& ds, int64_t id) {
  auto st = ds.db().prepare("SELECT name, notes, payload, created, updated FROM case_studies WHERE id = ?");
  st.bind(1, id);
  TMF_CHECK(st.step(), "case study ", id, " is not in dataset '", ds.path(), "'");
  CaseStudy cs;
  cs.id = id;
  cs.name = st.col_text(0);
  cs.notes = st.col_text(1);
  cs.created = st.col_text(3);
  cs.updated = st.col_text(4);
  std::vector<int64_t> refs;
  try {
    const std::string text = st.col_text(2);
    check_json_depth(text, "case study " + std::to_string(cs.id));
    json j = json::parse(text);
    for (const json& s : j.at("steps")) cs.steps.push_back({s.at("item").get<int64_t>(), s.at("behavior").get<int64_t>()});
    cs.target_behavior = j.at("target_behavior").get<int64_t>();
    cs.candidates = j.at("candidates").get<std::vector<int64_t>>();
    cs.candidate_seed = j.value("candidate_seed", int64_t(0));
    cs.expected = j.value("expected", -1);
    refs = j.value("new_item_ids", std::vector<int64_t>{});
  } catch (const json::exception& e) {
    fail("case study ", id, " ('", cs.name, "') has a malformed payload: ", e.what());
  }
  auto items = ds.db().prepare("SELECT name, text, image, COALESCE(image_format, '') FROM case_items "
                               "WHERE case_id = ? ORDER BY id");
  items.bind(1, id);
  while (items.step()) {
    TMF_CHECK(cs.new_items.size() < refs.size(), "case study ", id, " has more stored items than its payload names (",
              refs.size(), ")");
    CaseItem it;
    it.id = refs[cs.new_items.size()];
    it.name = items.col_text(0);
    it.text = items.col_text(1);
    if (!items.col_null(2)) it.image = items.col_blob(2);
    it.image_format = items.col_text(3);
    cs.new_items.push_back(std::move(it));
  }
  TMF_CHECK(cs.new_items.size() == refs.size(), "case study ", id, " names ", refs.size(), " new items but stores ",
            cs.new_items.size());
  return cs;
}

std::vector<CaseStudySummary> list_case_studies(const Dataset& ds) {
  auto st = ds.db().prepare("SELECT id, name, updated, payload FROM case_studies ORDER BY name, id");
  std::vector<CaseStudySummary> out;
  while (st.step()) {
    CaseStudySummary s;
    s.id = st.col_int(0);
    s.name = st.col_text(1);
    s.updated = st.col_text(2);
    const std::string text = st.col_text(3);
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    try {
      check_json_depth(text, "case study");
    } catch (const std::exception&) {
      j = json();  // listed without a step count; opening it reports the error
    }
    if (j.is_object() && j.contains("steps") && j["steps"].is_array()) s.steps = int64_t(j["steps"].size());
    out.push_back(std::move(s));
  }
  return out;
}

void delete_case_study(Dataset& ds, int64_t id) {
  ds.db().prepare("DELETE FROM case_studies WHERE id = ?").bind(1, id).run();
  TMF_CHECK(ds.db().changes() == 1, "case study ", id, " is not in dataset '", ds.path(), "'");
}

}  // namespace tmf
