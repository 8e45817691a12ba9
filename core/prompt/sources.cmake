# core/prompt, floor 2: torch-free files only (TMF_BASE_SOURCES, in tmf_base). Checked by cmake/TmfBoundaries.cmake.
list(APPEND TMF_BASE_SOURCES
  prompt/hybrid_prompt.cpp
  prompt/task.cpp
  prompt/answer_match.cpp
)
