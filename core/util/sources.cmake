list(APPEND TMF_BASE_SOURCES
  util/sha256.cpp
  util/strings.cpp
  util/json_file.cpp
  util/blas_env.cpp
  util/mean_std.cpp
)
