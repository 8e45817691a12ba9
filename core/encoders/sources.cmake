# core/encoders, floor 2: torch-free files (TMF_BASE_SOURCES, in tmf_base) and LibTorch files (TMF_CORE_SOURCES, in tmf_core). Checked by cmake/TmfBoundaries.cmake.
# Encoders: CLIP text/vision towers. Configs and preprocessing are torch-free (tmf_base; image
# decoding is data/image.h); the modules and training use LibTorch.
list(APPEND TMF_BASE_SOURCES
  encoders/clip_config.cpp
  encoders/clip_image_processor.cpp
)
list(APPEND TMF_CORE_SOURCES
  encoders/clip_layers.cpp
  encoders/clip_vision.cpp
  encoders/clip_text.cpp
  encoders/clip_model.cpp
  encoders/clip_train.cpp
  encoders/item_embedder.cpp
)
