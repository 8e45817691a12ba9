# core/util, floor 0: torch-free files only (TMF_BASE_SOURCES, in tmf_base). Checked by cmake/TmfBoundaries.cmake.
list(APPEND TMF_BASE_SOURCES
  util/sha256.cpp
  util/strings.cpp
  util/json_file.cpp
  util/blas_env.cpp
  util/mean_std.cpp
)
