list(APPEND TMF_BASE_SOURCES
  eval/answer_match.cpp
)
list(APPEND TMF_CORE_SOURCES
  eval/tmf_eval.cpp
)
