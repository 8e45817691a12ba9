// tmf version (also tmf --version): the program and the libraries it was built with.
#include <cstdio>
#include <string>

#include "command.h"
#include "llm/device.h"

namespace {

const tmf::cli::Spec spec =
    tmf::cli::Spec("version", "print the program, LibTorch, Qt and CUDA versions")
        .describe("Qt is the version tmf-studio was built with (the tmf program itself does not use Qt).")
        .example("tmf --version");

int run_version(tmf::cli::Args&) {
  std::printf("tmf %s (TMF Studio)\n", TMF_VERSION);
  std::printf("implements: Triple Modality Fusion: Aligning Visual, Textual, and Graph Data with Large Language Models "
              "for Multi-Behavior Recommendations (Ma, Li et al.)\n");
  std::printf("LibTorch %s\n", tmf::torch_version().c_str());
#ifdef TMF_QT_VERSION
  std::printf("Qt %s (tmf-studio)\n", TMF_QT_VERSION);
#else
  std::printf("Qt: not built (TMF_WITH_QT=OFF)\n");
#endif
  const std::string cuda = tmf::cuda_summary();
  std::printf("%s\n", cuda.empty() ? "CUDA: not available (no CUDA in this LibTorch, or no device)" : cuda.c_str());
  return 0;
}

tmf::cli::Register reg(spec, run_version);

}  // namespace
