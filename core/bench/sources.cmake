# core/bench, floor 7: LibTorch files only (TMF_CORE_SOURCES, in tmf_core). Checked by cmake/TmfBoundaries.cmake.
# The benchmarks that combine TMF and the baselines (the top floor of core: it uses eval/ and baselines/).
list(APPEND TMF_CORE_SOURCES
  bench/model_bench.cpp
  bench/table2.cpp
)
