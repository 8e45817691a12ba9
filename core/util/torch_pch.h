// Precompiled header for targets that compile LibTorch code (parsing torch/torch.h costs ~20 s).
#pragma once
#include <torch/torch.h>
