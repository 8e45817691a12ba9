list(APPEND TMF_BASE_SOURCES
  train/curriculum.cpp
)
