// Small RAII wrappers over the SQLite C API: a connection (WAL, foreign keys on, busy timeout),
// prepared statements with typed bind/column, and a transaction guard that rolls back unless
// committed. Every error throws tmf::Error with SQLite's message and the SQL or path involved.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace tmf::sql {

class Db;

class Stmt {
 public:
  Stmt(Db& db, std::string_view sql);
  ~Stmt();
  Stmt(Stmt&& o) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int idx, int64_t v);  // 1-based
  Stmt& bind(int idx, int v) { return bind(idx, static_cast<int64_t>(v)); }
  Stmt& bind(int idx, double v);
  Stmt& bind(int idx, std::string_view v);
  Stmt& bind(int idx, const char* v) { return bind(idx, std::string_view(v)); }
  Stmt& bind(int idx, const std::string& v) { return bind(idx, std::string_view(v)); }
  Stmt& bind_blob(int idx, const void* data, size_t size);
  Stmt& bind_null(int idx);
  template <typename... Ts>
  Stmt& bind_all(const Ts&... vs) {
    int i = 1;
    (bind(i++, vs), ...);
    return *this;
  }

  bool step();        // true while a row is available
  void run();         // step to completion, expecting no rows
  void reset();       // reset and clear bindings for reuse

  int64_t col_int(int i) const;
  double col_double(int i) const;
  std::string col_text(int i) const;
  std::vector<uint8_t> col_blob(int i) const;
  bool col_null(int i) const;

 private:
  Db* db_;
  sqlite3_stmt* st_ = nullptr;
  std::string sql_;
};

class Db {
 public:
  enum class Mode { ReadWrite, ReadOnly, Create };
  Db(const std::string& path, Mode mode);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(std::string_view sql);  // one or more statements, no results
  Stmt prepare(std::string_view sql) { return Stmt(*this, sql); }
  int64_t scalar_int(std::string_view sql);
  int64_t last_insert_id() const;
  int changes() const;
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }
  [[noreturn]] void raise(std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit() was called. So an
// exception, a cancel or a killed process leaves the database as it was before.
class Transaction {
 public:
  explicit Transaction(Db& db);
  ~Transaction();
  void commit();

 private:
  Db& db_;
  bool done_ = false;
};

}  // namespace tmf::sql
