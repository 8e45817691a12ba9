# The benchmarks that combine TMF and the baselines (the top floor of core: it uses eval/ and baselines/).
list(APPEND TMF_CORE_SOURCES
  bench/model_bench.cpp
  bench/table2.cpp
)
