#include "util/blas_env.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <string>

namespace tmf {
namespace {

bool generic_core(std::string name) {
  for (auto& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
  for (const char* old : {"prescott", "core2", "penryn", "dunnington", "nehalem", "sandybridge", "atom", "katmai",
                          "coppermine", "northwood", "banias", "unknown"})
    if (name == old) return true;
  return false;
}

}  // namespace

void configure_blas(int argc, char** argv) {
  (void)argc;
  using CoreName = char* (*)();
  using SetThreads = void (*)(int);
  auto core_name = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  if (!core_name) return;  // not OpenBLAS
  if (!std::getenv("OPENBLAS_CORETYPE") && !std::getenv("TMF_BLAS_REEXEC") && generic_core(core_name())) {
    const char* want = __builtin_cpu_supports("avx512f") ? "SkylakeX" : __builtin_cpu_supports("avx2") ? "Haswell" : nullptr;
    if (want) {
      setenv("OPENBLAS_CORETYPE", want, 1);
      setenv("TMF_BLAS_REEXEC", "1", 1);
      execv("/proc/self/exe", argv);  // returns only on failure: go on with the generic kernels
    }
  }
  if (!std::getenv("OPENBLAS_NUM_THREADS"))
    if (auto set_threads = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
      set_threads(1);
}

}  // namespace tmf
