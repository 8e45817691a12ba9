// tmf version: versions of the program and the libraries it was built with.
#include <cstdio>

#include <torch/version.h>

#include "command.h"

namespace {
int run_version(tmf::cli::Args& args) {
  args.finish();
  std::printf("tmf %s (LibTorch %s)\n", TMF_VERSION, TORCH_VERSION);
  return 0;
}
tmf::cli::Register reg("version", "print the program and library versions", run_version);
}  // namespace
