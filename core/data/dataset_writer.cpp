#include "data/dataset_writer.h"

#include "data/image.h"
#include "data/sqlite.h"
#include "util/error.h"
#include "util/strings.h"

namespace tmf {

DatasetWriter::DatasetWriter(Dataset& ds) : ds_(ds) {
  auto& db = ds.db();
  tx_ = std::make_unique<sql::Transaction>(db);
  ins_item_ = std::make_unique<sql::Stmt>(db,
      "INSERT INTO items(external_id, name, brand, categories, description, attrs, image, image_format, image_width, image_height) "
      "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  upd_item_ = std::make_unique<sql::Stmt>(db,
      "UPDATE items SET name = CASE WHEN ?2 <> '' THEN ?2 ELSE name END, "
      "brand = CASE WHEN ?3 <> '' THEN ?3 ELSE brand END, categories = CASE WHEN ?4 <> '' THEN ?4 ELSE categories END, "
      "description = CASE WHEN ?5 <> '' THEN ?5 ELSE description END, attrs = CASE WHEN ?6 <> '{}' THEN ?6 ELSE attrs END "
      "WHERE id = ?1");
  ins_user_ = std::make_unique<sql::Stmt>(db, "INSERT INTO users(external_id, attrs) VALUES(?, ?)");
  ins_event_ = std::make_unique<sql::Stmt>(db, "INSERT INTO events(user_id, item_id, behavior_id, ts) VALUES(?, ?, ?, ?)");
  auto st = db.prepare("SELECT external_id, id FROM items");
  while (st.step()) item_ids_.emplace(st.col_text(0), st.col_int(1));
  auto su = db.prepare("SELECT external_id, id FROM users");
  while (su.step()) user_ids_.emplace(su.col_text(0), su.col_int(1));
}

DatasetWriter::~DatasetWriter() {
  // Statements must be finalised before the transaction rolls back.
  ins_item_.reset();
  upd_item_.reset();
  ins_user_.reset();
  ins_event_.reset();
  tx_.reset();
}

int64_t DatasetWriter::item(const ItemInput& in, bool update) {
  TMF_CHECK(!in.external_id.empty(), "an item needs an id");
  auto it = item_ids_.find(in.external_id);
  if (it == item_ids_.end() || update) {  // what gets stored is text (importers refuse such rows first)
    check_text(in.external_id, "item id");
    for (const std::string* f : {&in.name, &in.brand, &in.categories, &in.description})
      check_text(*f, "text of item '" + in.external_id + "'");
  }
  if (it != item_ids_.end()) {
    if (update) {
      upd_item_->bind(1, it->second).bind(2, in.name).bind(3, in.brand).bind(4, in.categories)
          .bind(5, in.description).bind(6, in.attrs);
      upd_item_->run();
      if (!in.image.empty()) {
        ImageInfo info = check_image(in.image.data(), in.image.size(), "of item '" + in.external_id + "'");
        ds_.db().prepare("UPDATE items SET image = ?, image_format = ?, image_width = ?, image_height = ? WHERE id = ?")
            .bind_blob(1, in.image.data(), in.image.size()).bind(2, info.format).bind(3, info.width)
            .bind(4, info.height).bind(5, it->second).run();
      }
    }
    return it->second;
  }
  auto& s = *ins_item_;
  s.bind(1, in.external_id).bind(2, in.name.empty() ? in.external_id : in.name).bind(3, in.brand)
      .bind(4, in.categories).bind(5, in.description).bind(6, in.attrs.empty() ? std::string("{}") : in.attrs);
  if (in.image.empty()) {
    s.bind_null(7).bind_null(8).bind_null(9).bind_null(10);
  } else {
    ImageInfo info = check_image(in.image.data(), in.image.size(), "of item '" + in.external_id + "'");
    s.bind_blob(7, in.image.data(), in.image.size()).bind(8, info.format).bind(9, info.width).bind(10, info.height);
  }
  s.run();
  int64_t id = ds_.db().last_insert_id();
  item_ids_.emplace(in.external_id, id);
  ++items_added_;
  return id;
}

int64_t DatasetWriter::item_ref(const std::string& external_id) {
  auto it = item_ids_.find(external_id);
  if (it != item_ids_.end()) return it->second;
  ItemInput in;
  in.external_id = external_id;
  return item(in, false);
}

int64_t DatasetWriter::user(const std::string& external_id, const std::string& attrs) {
  TMF_CHECK(!external_id.empty(), "a user needs an id");
  auto it = user_ids_.find(external_id);
  if (it != user_ids_.end()) return it->second;
  check_text(external_id, "user id");
  ins_user_->bind(1, external_id).bind(2, attrs.empty() ? std::string("{}") : attrs);
  ins_user_->run();
  int64_t id = ds_.db().last_insert_id();
  user_ids_.emplace(external_id, id);
  ++users_added_;
  return id;
}

void DatasetWriter::event(int64_t user_id, int64_t item_id, int64_t behavior_id, int64_t ts) {
  ins_event_->bind(1, user_id).bind(2, item_id).bind(3, behavior_id).bind(4, ts);
  ins_event_->run();
  ++events_added_;
}

void DatasetWriter::commit() {
  ins_item_.reset();
  upd_item_.reset();
  ins_user_.reset();
  ins_event_.reset();
  tx_->commit();
}

}  // namespace tmf
