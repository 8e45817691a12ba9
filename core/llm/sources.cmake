# Torch-free (tokenizer: its oracle test links the real sentencepiece, which cannot share a
# process with LibTorch).
list(APPEND TMF_BASE_SOURCES
)
list(APPEND TMF_CORE_SOURCES
  llm/device.cpp
)
