list(APPEND TMF_BASE_SOURCES
  eval/eval_runs.cpp
)
list(APPEND TMF_CORE_SOURCES
  eval/tmf_eval.cpp
  eval/ablation.cpp
)
