# core/eval, floor 5: torch-free files (TMF_BASE_SOURCES, in tmf_base) and LibTorch files (TMF_CORE_SOURCES, in tmf_core). Checked by cmake/TmfBoundaries.cmake.
list(APPEND TMF_BASE_SOURCES
  eval/eval_runs.cpp
)
list(APPEND TMF_CORE_SOURCES
  eval/tmf_eval.cpp
  eval/ablation.cpp
)
