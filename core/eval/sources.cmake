list(APPEND TMF_BASE_SOURCES
  eval/answer_match.cpp
)
