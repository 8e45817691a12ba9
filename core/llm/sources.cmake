# core/llm, floor 1: torch-free files (TMF_BASE_SOURCES, in tmf_base) and LibTorch files (TMF_CORE_SOURCES, in tmf_core). Checked by cmake/TmfBoundaries.cmake.
# Torch-free (tokenizer: its oracle test links the real sentencepiece, which cannot share a
# process with LibTorch).
list(APPEND TMF_BASE_SOURCES
  llm/sentencepiece_model.cpp
  llm/tokenizer.cpp
  llm/tokenizer_train.cpp
  llm/safetensors.cpp
  llm/llama_config.cpp
  llm/lora_config.cpp
)
list(APPEND TMF_CORE_SOURCES
  llm/safetensors_torch.cpp
  llm/device.cpp
  llm/kv_cache.cpp
  llm/lora.cpp
  llm/llama.cpp
  llm/generate.cpp
  llm/candidate_decoding.cpp
  llm/answer_loss.cpp
  llm/copy_head.cpp
)
