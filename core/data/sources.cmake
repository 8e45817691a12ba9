# core/data, floor 1: torch-free files only (TMF_BASE_SOURCES, in tmf_base). Checked by cmake/TmfBoundaries.cmake.
list(APPEND TMF_BASE_SOURCES
  data/sqlite.cpp
  data/schema.cpp
  data/dataset.cpp
  data/dataset_writer.cpp
  data/image.cpp
)
list(APPEND TMF_BASE_SOURCES
  data/split.cpp
  data/candidates.cpp
  data/evaluation_rows.cpp
  data/stats.cpp
  data/case_study.cpp
)
list(APPEND TMF_BASE_SOURCES
  data/importers/record_reader.cpp
  data/importers/import_report.cpp
  data/importers/import_recbole.cpp
  data/importers/import_retailrocket.cpp
  data/importers/import_taobao.cpp
  data/importers/import_generic.cpp
)
