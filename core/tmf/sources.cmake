# core/tmf, floor 3: torch-free files (TMF_BASE_SOURCES, in tmf_base) and LibTorch files (TMF_CORE_SOURCES, in tmf_core). Checked by cmake/TmfBoundaries.cmake.
list(APPEND TMF_BASE_SOURCES
  tmf/tmf_example.cpp
  tmf/ablation_level.cpp
  tmf/decode_mode.cpp
  tmf/inference_requests.cpp
  tmf/package_manifest.cpp
)
list(APPEND TMF_CORE_SOURCES
  tmf/item_features.cpp
  tmf/tmf_heads.cpp
  tmf/tmf_model.cpp
  tmf/tmf_batch.cpp
  tmf/answer_decoding.cpp
  tmf/tmf_package.cpp
  tmf/package_destination.cpp
  tmf/inference.cpp
)
