// Bulk writes into a dataset inside ONE transaction: importers and the world generator add items,
// users and events through this, then commit(). Destroying it without commit() rolls everything
// back, so an import that fails, is cancelled or is killed leaves the dataset as it was.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "data/dataset.h"

namespace tmf {
namespace sql {
class Transaction;
class Stmt;
}  // namespace sql

struct ItemInput {
  std::string external_id;
  std::string name;
  std::string brand;
  std::string categories;   // '|'-separated
  std::string description;
  std::string attrs = "{}";  // JSON object
  std::vector<uint8_t> image;  // PNG/JPEG bytes; validated (probe_image) before storing
};

class DatasetWriter {
 public:
  explicit DatasetWriter(Dataset& ds);
  ~DatasetWriter();

  // Inserts the item, or returns the existing id for that external_id (updating empty fields
  // with the given ones when `update` is true).
  int64_t item(const ItemInput& in, bool update = true);
  // Existing id or a new minimal item (name = external id) for events that name unknown items.
  int64_t item_ref(const std::string& external_id);
  int64_t user(const std::string& external_id, const std::string& attrs = "{}");
  void event(int64_t user_id, int64_t item_id, int64_t behavior_id, int64_t ts);

  int64_t items_added() const { return items_added_; }
  int64_t users_added() const { return users_added_; }
  int64_t events_added() const { return events_added_; }

  void commit();

 private:
  Dataset& ds_;
  std::unique_ptr<sql::Transaction> tx_;
  std::unique_ptr<sql::Stmt> ins_item_, upd_item_, ins_user_, ins_event_;
  std::unordered_map<std::string, int64_t> item_ids_, user_ids_;
  int64_t items_added_ = 0, users_added_ = 0, events_added_ = 0;
};

}  // namespace tmf
