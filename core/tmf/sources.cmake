list(APPEND TMF_BASE_SOURCES
  tmf/tmf_example.cpp
)
list(APPEND TMF_CORE_SOURCES
  tmf/tmf_model.cpp
  tmf/tmf_package.cpp
  tmf/inference.cpp
)
