list(APPEND TMF_BASE_SOURCES
  train/curriculum.cpp
)
list(APPEND TMF_CORE_SOURCES
  train/adam.cpp
  train/tmf_tuning.cpp
  train/backbone.cpp
  train/item_encoders.cpp
  train/tmf_pipeline.cpp
)
