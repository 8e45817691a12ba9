// BLAS set-up for the executables (torch-free; call first thing in main()).
//
// Debian's LibTorch runs its matrix products on OpenBLAS (DYNAMIC_ARCH), which picks its kernels
// from CPUID. Under some hypervisors it cannot name the CPU and falls back to generic SSE3 kernels
// ("Prescott"); measured on the 2-core development VM (AVX-512): one demo-model inference 822 ms
// -> 168 ms and a tiny training run 20.4 s -> 7.3 s with the right kernels and one BLAS thread.
// OpenBLAS reads OPENBLAS_CORETYPE only when it is loaded, so when it reports a pre-AVX2 core on a
// CPU with AVX-512 or AVX2, configure_blas() sets OPENBLAS_CORETYPE (SkylakeX or Haswell) and
// re-executes the program once with the same arguments. It also gives OpenBLAS one thread: torch
// already parallelises around the BLAS calls, and two thread pools on two cores thrash.
// Does nothing when the BLAS is not OpenBLAS (e.g. MKL in PyTorch's wheels) or the user has set
// OPENBLAS_CORETYPE / OPENBLAS_NUM_THREADS.
#pragma once

namespace tmf {

void configure_blas(int argc, char** argv);

}  // namespace tmf
