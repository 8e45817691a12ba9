# core/fusion, floor 1: LibTorch files only (TMF_CORE_SOURCES, in tmf_core). Checked by cmake/TmfBoundaries.cmake.
list(APPEND TMF_CORE_SOURCES
  fusion/attention.cpp
  fusion/modality_fusion.cpp
  fusion/adaptor.cpp
)
