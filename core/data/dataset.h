// A dataset: one SQLite file holding items (with images), a behavior vocabulary, users and their
// time-ordered events, plus splits, candidate sets, evaluation runs, models and case studies
// (design tmf.md §1). This class is the read side and small edits; bulk writes go through
// DatasetWriter (dataset_writer.h) inside one transaction.
//
// Plain structs only: the views include this header (no torch, no Qt).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tmf {
namespace sql {
class Db;
}

struct Behavior {
  int64_t id = 0;
  std::string name;
  int position = 0;      // order in the vocabulary
  bool is_target = false;
};

struct Item {
  int64_t id = 0;
  std::string external_id;
  std::string name;         // used in prompts and matched in answers
  std::string brand;
  std::string categories;   // '|'-separated, most general first
  std::string description;
  std::string attrs;        // JSON object
  std::string image_format; // "png", "jpeg" or empty
  int image_width = 0, image_height = 0;

  std::vector<std::string> category_list() const;
  // The item's text modality (paper §3.2): title, brand, categories, description.
  std::string text() const;
};

struct Event {
  int64_t id = 0, user_id = 0, item_id = 0, behavior_id = 0, ts = 0;
};

class Dataset {
 public:
  // Creates a new, empty dataset file (fails when the file exists).
  static Dataset create(const std::string& path, const std::string& name);
  // Opens and migrates an existing dataset; read_only opens without migrating.
  static Dataset open(const std::string& path, bool read_only = false);
  Dataset(Dataset&&) noexcept;
  Dataset& operator=(Dataset&&) noexcept;
  ~Dataset();

  sql::Db& db() const;
  const std::string& path() const { return path_; }
  std::string name() const { return meta("name", path_); }
  std::string meta(const std::string& key, const std::string& def = "") const;
  void set_meta(const std::string& key, const std::string& value);

  // Behavior vocabulary. set_behaviors defines it for an empty dataset, or checks that the given
  // vocabulary is a compatible extension of the stored one (new names appended, same target).
  std::vector<Behavior> behaviors() const;
  void set_behaviors(const std::vector<std::string>& names, const std::string& target);
  const Behavior& target_behavior() const;
  int64_t behavior_id(const std::string& name) const;  // throws listing the known names

  int64_t item_count() const;
  int64_t user_count() const;
  int64_t event_count() const;

  std::vector<Item> items() const;                       // all, by id, without image bytes
  Item item(int64_t id) const;                           // throws when absent
  std::optional<int64_t> find_item(const std::string& external_id) const;
  std::vector<uint8_t> item_image(int64_t id) const;     // empty when the item has none
  std::vector<int64_t> user_ids() const;
  std::optional<int64_t> find_user(const std::string& external_id) const;
  std::string user_external_id(int64_t id) const;
  std::vector<Event> user_events(int64_t user_id) const; // by (ts, id)
  // Every event grouped by user, users in id order, events by (ts, id).
  void for_each_user_events(const std::function<void(int64_t user, const std::vector<Event>&)>& fn) const;

  // SHA-256 over behaviors, items (text and image bytes), users and events in canonical order:
  // identical content gives an identical hash whatever the insertion order of rows.
  std::string content_hash() const;

 private:
  Dataset(std::unique_ptr<sql::Db> db, std::string path);
  std::unique_ptr<sql::Db> db_;
  std::string path_;
  mutable std::vector<Behavior> behaviors_cache_;
  mutable bool behaviors_loaded_ = false;
};

std::string now_iso8601();

}  // namespace tmf
