#include "data/dataset.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>

#include "data/schema.h"
#include "data/sqlite.h"
#include "util/error.h"
#include "util/sha256.h"
#include "util/strings.h"

namespace tmf {

std::string now_iso8601() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

std::vector<std::string> Item::category_list() const {
  std::vector<std::string> out;
  for (auto part : split(categories, '|')) {
    auto t = trim(part);
    if (!t.empty()) out.emplace_back(t);
  }
  return out;
}

std::string Item::text() const {
  std::string t = name;
  if (!brand.empty()) t += ". Brand: " + brand;
  auto cats = category_list();
  if (!cats.empty()) t += ". Categories: " + join(cats, ", ");
  if (!description.empty()) t += ". " + description;
  return t;
}

Dataset::Dataset(std::unique_ptr<sql::Db> db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}
Dataset::Dataset(Dataset&&) noexcept = default;
Dataset& Dataset::operator=(Dataset&&) noexcept = default;
Dataset::~Dataset() = default;

Dataset Dataset::create(const std::string& path, const std::string& name) {
  struct stat st;
  TMF_CHECK(::stat(path.c_str(), &st) != 0, "cannot create dataset '", path, "': the file exists");
  auto db = std::make_unique<sql::Db>(path, sql::Db::Mode::Create);
  migrate_schema(*db);
  Dataset ds(std::move(db), path);
  ds.set_meta("name", name);
  ds.set_meta("created", now_iso8601());
  return ds;
}

Dataset Dataset::open(const std::string& path, bool read_only) {
  struct stat st;
  TMF_CHECK(::stat(path.c_str(), &st) == 0, "dataset '", path, "' does not exist");
  TMF_CHECK(S_ISREG(st.st_mode), "dataset '", path, "' is not a regular file");
  auto db = std::make_unique<sql::Db>(path, read_only ? sql::Db::Mode::ReadOnly : sql::Db::Mode::ReadWrite);
  int version;
  try {
    version = schema_version(*db);
  } catch (const Error& e) {
    fail("'", path, "' is not a TMF dataset (", e.what(), ")");
  }
  if (read_only) {
    TMF_CHECK(version == kSchemaVersion, "dataset '", path, "' has schema version ", version, ", expected ",
              kSchemaVersion, version > kSchemaVersion ? " (written by a newer release)" : " (open it read-write once to migrate)");
  } else {
    migrate_schema(*db);
  }
  TMF_CHECK(version != 0 || !read_only, "'", path, "' is not a TMF dataset");
  return Dataset(std::move(db), path);
}

sql::Db& Dataset::db() const { return *db_; }

std::string Dataset::meta(const std::string& key, const std::string& def) const {
  auto st = db_->prepare("SELECT value FROM meta WHERE key = ?");
  st.bind(1, key);
  return st.step() ? st.col_text(0) : def;
}

void Dataset::set_meta(const std::string& key, const std::string& value) {
  db_->prepare("INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .bind_all(key, value)
      .run();
}

std::vector<Behavior> Dataset::behaviors() const {
  if (!behaviors_loaded_) {
    behaviors_cache_.clear();
    auto st = db_->prepare("SELECT id, name, position, is_target FROM behaviors ORDER BY position");
    while (st.step())
      behaviors_cache_.push_back(Behavior{st.col_int(0), st.col_text(1), int(st.col_int(2)), st.col_int(3) != 0});
    behaviors_loaded_ = true;
  }
  return behaviors_cache_;
}

void Dataset::set_behaviors(const std::vector<std::string>& names, const std::string& target) {
  TMF_CHECK(!names.empty(), "a behavior vocabulary needs at least one behavior");
  TMF_CHECK(std::find(names.begin(), names.end(), target) != names.end(), "target behavior '", target,
            "' is not in the vocabulary [", join(names, ", "), "]");
  for (size_t i = 0; i < names.size(); ++i) {
    TMF_CHECK(!trim(names[i]).empty(), "behavior names must not be empty");
    for (size_t j = 0; j < i; ++j) TMF_CHECK(names[i] != names[j], "behavior '", names[i], "' is listed twice");
  }
  auto existing = behaviors();
  if (!existing.empty()) {
    std::string old_target = target_behavior().name;
    TMF_CHECK(old_target == target, "dataset '", path_, "' has target behavior '", old_target, "', not '", target, "'");
  }
  int next_pos = existing.empty() ? 0 : existing.back().position + 1;
  auto ins = db_->prepare("INSERT INTO behaviors(name, position, is_target) VALUES(?, ?, ?)");
  for (auto& n : names) {
    bool known = std::any_of(existing.begin(), existing.end(), [&](const Behavior& b) { return b.name == n; });
    if (known) continue;
    ins.bind_all(n, next_pos++, int(n == target)).run();
  }
  behaviors_loaded_ = false;
}

const Behavior& Dataset::target_behavior() const {
  behaviors();
  for (auto& b : behaviors_cache_)
    if (b.is_target) return b;
  fail("dataset '", path_, "' has no target behavior (empty behavior vocabulary)");
}

int64_t Dataset::behavior_id(const std::string& name) const {
  std::vector<std::string> known;
  for (auto& b : behaviors()) {
    if (b.name == name) return b.id;
    known.push_back(b.name);
  }
  fail("unknown behavior '", name, "' (dataset has: ", join(known, ", "), ")");
}

int64_t Dataset::item_count() const { return db_->scalar_int("SELECT count(*) FROM items"); }
int64_t Dataset::user_count() const { return db_->scalar_int("SELECT count(*) FROM users"); }
int64_t Dataset::event_count() const { return db_->scalar_int("SELECT count(*) FROM events"); }

static const char* kItemColumns =
    "id, external_id, name, brand, categories, description, attrs, coalesce(image_format, ''), "
    "coalesce(image_width, 0), coalesce(image_height, 0)";

static Item read_item(const sql::Stmt& st) {
  Item it;
  it.id = st.col_int(0);
  it.external_id = st.col_text(1);
  it.name = st.col_text(2);
  it.brand = st.col_text(3);
  it.categories = st.col_text(4);
  it.description = st.col_text(5);
  it.attrs = st.col_text(6);
  it.image_format = st.col_text(7);
  it.image_width = int(st.col_int(8));
  it.image_height = int(st.col_int(9));
  return it;
}

std::vector<Item> Dataset::items() const {
  std::vector<Item> out;
  auto st = db_->prepare(std::string("SELECT ") + kItemColumns + " FROM items ORDER BY id");
  while (st.step()) out.push_back(read_item(st));
  return out;
}

Item Dataset::item(int64_t id) const {
  auto st = db_->prepare(std::string("SELECT ") + kItemColumns + " FROM items WHERE id = ?");
  st.bind(1, id);
  TMF_CHECK(st.step(), "dataset '", path_, "' has no item with id ", id);
  return read_item(st);
}

std::optional<int64_t> Dataset::find_item(const std::string& external_id) const {
  auto st = db_->prepare("SELECT id FROM items WHERE external_id = ?");
  st.bind(1, external_id);
  if (st.step()) return st.col_int(0);
  return std::nullopt;
}

std::optional<int64_t> Dataset::find_user(const std::string& external_id) const {
  auto st = db_->prepare("SELECT id FROM users WHERE external_id = ?");
  st.bind(1, external_id);
  if (st.step()) return st.col_int(0);
  return std::nullopt;
}

std::vector<uint8_t> Dataset::item_image(int64_t id) const {
  auto st = db_->prepare("SELECT image FROM items WHERE id = ?");
  st.bind(1, id);
  TMF_CHECK(st.step(), "dataset '", path_, "' has no item with id ", id);
  return st.col_blob(0);
}

std::vector<int64_t> Dataset::user_ids() const {
  std::vector<int64_t> out;
  auto st = db_->prepare("SELECT id FROM users ORDER BY id");
  while (st.step()) out.push_back(st.col_int(0));
  return out;
}

std::string Dataset::user_external_id(int64_t id) const {
  auto st = db_->prepare("SELECT external_id FROM users WHERE id = ?");
  st.bind(1, id);
  TMF_CHECK(st.step(), "dataset '", path_, "' has no user with id ", id);
  return st.col_text(0);
}

std::vector<Event> Dataset::user_events(int64_t user_id) const {
  std::vector<Event> out;
  auto st = db_->prepare("SELECT id, user_id, item_id, behavior_id, ts FROM events WHERE user_id = ? ORDER BY ts, id");
  st.bind(1, user_id);
  while (st.step()) out.push_back(Event{st.col_int(0), st.col_int(1), st.col_int(2), st.col_int(3), st.col_int(4)});
  return out;
}

void Dataset::for_each_user_events(const std::function<void(int64_t, const std::vector<Event>&)>& fn) const {
  auto st = db_->prepare("SELECT id, user_id, item_id, behavior_id, ts FROM events ORDER BY user_id, ts, id");
  std::vector<Event> cur;
  int64_t cur_user = -1;
  while (st.step()) {
    Event e{st.col_int(0), st.col_int(1), st.col_int(2), st.col_int(3), st.col_int(4)};
    if (e.user_id != cur_user && !cur.empty()) {
      fn(cur_user, cur);
      cur.clear();
    }
    cur_user = e.user_id;
    cur.push_back(e);
  }
  if (!cur.empty()) fn(cur_user, cur);
}

std::string Dataset::content_hash() const {
  Sha256 h;
  auto field = [&](const std::string& s) {
    uint64_t n = s.size();
    h.update_pod(n);
    h.update(s);
  };
  {
    auto st = db_->prepare("SELECT name, position, is_target FROM behaviors ORDER BY position");
    while (st.step()) {
      field(st.col_text(0));
      field(std::to_string(st.col_int(1)) + ":" + std::to_string(st.col_int(2)));
    }
  }
  {
    auto st = db_->prepare(
        "SELECT external_id, name, brand, categories, description, attrs, coalesce(image_format,''), image "
        "FROM items ORDER BY external_id");
    while (st.step()) {
      for (int c = 0; c < 7; ++c) field(st.col_text(c));
      auto img = st.col_blob(7);
      field(std::string(img.begin(), img.end()));
    }
  }
  {
    auto st = db_->prepare("SELECT external_id, attrs FROM users ORDER BY external_id");
    while (st.step()) {
      field(st.col_text(0));
      field(st.col_text(1));
    }
  }
  {
    auto st = db_->prepare(
        "SELECT u.external_id, i.external_id, b.name, e.ts FROM events e JOIN users u ON u.id = e.user_id "
        "JOIN items i ON i.id = e.item_id JOIN behaviors b ON b.id = e.behavior_id "
        "ORDER BY u.external_id, e.ts, i.external_id, b.position");
    while (st.step()) field(st.col_text(0) + "\t" + st.col_text(1) + "\t" + st.col_text(2) + "\t" + std::to_string(st.col_int(3)));
  }
  return h.hex();
}

}  // namespace tmf
