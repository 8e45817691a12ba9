list(APPEND TMF_CORE_SOURCES
  fusion/attention.cpp
  fusion/modality_fusion.cpp
  fusion/adaptor.cpp
)
