#include "data/sqlite.h"

#include <sqlite3.h>

#include "util/error.h"

namespace tmf::sql {

Db::Db(const std::string& path, Mode mode) : path_(path) {
  int flags = mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY
              : mode == Mode::Create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                     : SQLITE_OPEN_READWRITE;
  flags |= SQLITE_OPEN_FULLMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    if (db_) sqlite3_close(db_);
    db_ = nullptr;
    fail("cannot open dataset '", path, "': ", msg);
  }
  sqlite3_busy_timeout(db_, 10000);
  sqlite3_extended_result_codes(db_, 1);
  // A file that is not SQLite fails here (first read of the header).
  try {
    exec("PRAGMA foreign_keys = ON");
    if (mode != Mode::ReadOnly) exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = NORMAL");
  } catch (const Error& e) {
    sqlite3_close(db_);
    db_ = nullptr;
    fail("'", path, "' is not a TMF dataset (", e.what(), ")");
  }
}

Db::~Db() {
  if (db_) sqlite3_close_v2(db_);
}

void Db::raise(std::string_view what) const {
  fail(what, ": ", sqlite3_errmsg(db_), " (", path_, ")");
}

void Db::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    fail("SQL error: ", msg, " in '", s.substr(0, 200), "' (", path_, ")");
  }
}

int64_t Db::scalar_int(std::string_view sql) {
  Stmt st(*this, sql);
  TMF_CHECK(st.step(), "query returned no row: ", sql);
  return st.col_int(0);
}

int64_t Db::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
int Db::changes() const { return sqlite3_changes(db_); }

Stmt::Stmt(Db& db, std::string_view sql) : db_(&db), sql_(sql) {
  if (sqlite3_prepare_v2(db.handle(), sql_.data(), int(sql_.size()), &st_, nullptr) != SQLITE_OK)
    db.raise("cannot prepare '" + sql_.substr(0, 200) + "'");
}

Stmt::Stmt(Stmt&& o) noexcept : db_(o.db_), st_(o.st_), sql_(std::move(o.sql_)) { o.st_ = nullptr; }

Stmt::~Stmt() {
  if (st_) sqlite3_finalize(st_);
}

Stmt& Stmt::bind(int idx, int64_t v) {
  if (sqlite3_bind_int64(st_, idx, v) != SQLITE_OK) db_->raise("bind");
  return *this;
}
Stmt& Stmt::bind(int idx, double v) {
  if (sqlite3_bind_double(st_, idx, v) != SQLITE_OK) db_->raise("bind");
  return *this;
}
Stmt& Stmt::bind(int idx, std::string_view v) {
  if (sqlite3_bind_text(st_, idx, v.data(), int(v.size()), SQLITE_TRANSIENT) != SQLITE_OK) db_->raise("bind");
  return *this;
}
Stmt& Stmt::bind_blob(int idx, const void* data, size_t size) {
  if (sqlite3_bind_blob64(st_, idx, data, size, SQLITE_TRANSIENT) != SQLITE_OK) db_->raise("bind");
  return *this;
}
Stmt& Stmt::bind_null(int idx) {
  if (sqlite3_bind_null(st_, idx) != SQLITE_OK) db_->raise("bind");
  return *this;
}

bool Stmt::step() {
  int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string msg = sqlite3_errmsg(db_->handle());
  sqlite3_reset(st_);
  fail("SQL error: ", msg, " in '", sql_.substr(0, 200), "' (", db_->path(), ")");
}

void Stmt::run() {
  while (step()) {
  }
  reset();
}

void Stmt::reset() {
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
}

int64_t Stmt::col_int(int i) const { return sqlite3_column_int64(st_, i); }
double Stmt::col_double(int i) const { return sqlite3_column_double(st_, i); }
bool Stmt::col_null(int i) const { return sqlite3_column_type(st_, i) == SQLITE_NULL; }
std::string Stmt::col_text(int i) const {
  const unsigned char* p = sqlite3_column_text(st_, i);
  return p ? std::string(reinterpret_cast<const char*>(p), size_t(sqlite3_column_bytes(st_, i))) : std::string();
}
std::vector<uint8_t> Stmt::col_blob(int i) const {
  const uint8_t* p = static_cast<const uint8_t*>(sqlite3_column_blob(st_, i));
  int n = sqlite3_column_bytes(st_, i);
  return p ? std::vector<uint8_t>(p, p + n) : std::vector<uint8_t>();
}

Transaction::Transaction(Db& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
    }
  }
}
void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace tmf::sql
