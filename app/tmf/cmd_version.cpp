// tmf version (also tmf --version): the program and the libraries it was built with.
#include <cstdio>
#include <string>

#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include "command.h"

namespace {

// "CUDA 12.4, 1 device" or "CUDA: not available (CPU-only LibTorch)" / "(no device)".
std::string cuda_line() {
  if (!at::hasCUDA()) return "CUDA: not available (this LibTorch has no CUDA, or no CUDA device is present)";
  std::string version = "?";
  try {
    const long v = at::detail::getCUDAHooks().versionCUDART();  // e.g. 12040
    version = std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
  } catch (const std::exception&) {
  }
  const auto n = torch::cuda::device_count();
  return "CUDA " + version + ", " + std::to_string(n) + (n == 1 ? " device" : " devices");
}

const tmf::cli::Spec spec =
    tmf::cli::Spec("version", "print the program, LibTorch, Qt and CUDA versions")
        .describe("Qt is the version tmf-studio was built with (the tmf program itself does not use Qt).")
        .example("tmf --version");

int run_version(tmf::cli::Args&) {
  std::printf("tmf %s (TMF Studio)\n", TMF_VERSION);
  std::printf("implements: Triple Modality Fusion: Aligning Visual, Textual, and Graph Data with Large Language Models "
              "for Multi-Behavior Recommendations (Ma, Li et al.)\n");
  std::printf("LibTorch %s\n", TORCH_VERSION);
#ifdef TMF_QT_VERSION
  std::printf("Qt %s (tmf-studio)\n", TMF_QT_VERSION);
#else
  std::printf("Qt: not built (TMF_WITH_QT=OFF)\n");
#endif
  std::printf("%s\n", cuda_line().c_str());
  return 0;
}

tmf::cli::Register reg(spec, run_version);

}  // namespace
