# core/optim, floor 1: LibTorch files only (TMF_CORE_SOURCES, in tmf_core). Checked by cmake/TmfBoundaries.cmake.
# Optimisation loops shared by the models of several floors (LibTorch).
list(APPEND TMF_CORE_SOURCES
  optim/fit.cpp
)
