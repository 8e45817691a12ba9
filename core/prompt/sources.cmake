list(APPEND TMF_BASE_SOURCES
  prompt/hybrid_prompt.cpp
  prompt/task.cpp
  prompt/answer_match.cpp
)
