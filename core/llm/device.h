// Compute device selection, torch-free API (the app's status bar and --device options use it).
#pragma once
#include <string>

namespace tmf {

// "cpu", "cuda", "cuda:1" or "auto" (CUDA when present, else CPU). Throws tmf::Error when CUDA is
// asked for and absent, naming what was asked.
std::string resolve_device(const std::string& requested);
bool cuda_available();
// "CPU (2 threads)" or "NVIDIA H100 80GB HBM3 (cuda:0)".
std::string device_description(const std::string& device);
// Uses every core for intra-op parallelism (LibTorch defaults to 1 thread on Debian), or
// OMP_NUM_THREADS threads when that is set.
void init_torch_threads();
// "1.13.0": the LibTorch this program was built with.
std::string torch_version();
// "CUDA 12.4, 1 device", or "" when this LibTorch has no CUDA or no CUDA device is present.
std::string cuda_summary();

}  // namespace tmf
