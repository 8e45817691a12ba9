// The dataset file's schema (design tmf.md §1) and its forward migrations. The schema version is
// PRAGMA user_version; opening a file migrates it forward in one transaction, and a file written by
// a newer TMF Studio (user_version above kSchemaVersion) is refused with a clear message.
#pragma once

namespace tmf::sql {
class Db;
}

namespace tmf {

constexpr int kSchemaVersion = 3;
constexpr const char* kApplicationId = "TMF Studio dataset";

// Migrates db from its version to kSchemaVersion. Throws tmf::Error for newer or foreign files.
void migrate_schema(sql::Db& db);
// Applies migrations up to `version` only (tests of the migration path).
void migrate_schema_to(sql::Db& db, int version);
int schema_version(sql::Db& db);

}  // namespace tmf
