# core/train, floor 4: torch-free files (TMF_BASE_SOURCES, in tmf_base) and LibTorch files (TMF_CORE_SOURCES, in tmf_core). Checked by cmake/TmfBoundaries.cmake.
list(APPEND TMF_BASE_SOURCES
  train/curriculum.cpp
  train/example_sampler.cpp
)
list(APPEND TMF_CORE_SOURCES
  train/adam.cpp
  train/tmf_tuning.cpp
  train/backbone.cpp
  train/item_encoders.cpp
  train/tmf_pipeline.cpp
  train/pipeline_settings.cpp
)
