# Optimisation loops shared by the models of several floors (LibTorch).
list(APPEND TMF_CORE_SOURCES
  optim/fit.cpp
)
