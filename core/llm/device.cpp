#include "llm/device.h"

#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/version.h>

#include <cstdlib>
#include <thread>

#include "util/error.h"
#include "util/strings.h"

namespace tmf {

bool cuda_available() { return torch::cuda::is_available(); }

std::string resolve_device(const std::string& requested) {
  std::string r = lower(trim(requested));
  if (r.empty() || r == "auto") return cuda_available() ? "cuda" : "cpu";
  if (r == "cpu") return r;
  if (starts_with(r, "cuda")) {
    TMF_CHECK(cuda_available(), "device '", requested, "' was requested but no CUDA device is available");
    if (r.size() > 5) {
      long long idx;
      TMF_CHECK(r[4] == ':' && parse_int64(r.substr(5), idx) && idx >= 0 &&
                    idx < static_cast<long long>(torch::cuda::device_count()),
                "device '", requested, "' does not exist (", torch::cuda::device_count(), " CUDA devices)");
    }
    return r;
  }
  fail("unknown device '", requested, "' (expected cpu, cuda, cuda:N or auto)");
}

std::string device_description(const std::string& device) {
  torch::Device d(device);
  if (d.is_cuda()) {
#ifdef TMF_HAVE_CUDA_PROPS
    return std::string(at::cuda::getDeviceProperties(d.index() < 0 ? 0 : d.index())->name) + " (" + device + ")";
#else
    return "CUDA (" + device + ")";
#endif
  }
  return "CPU (" + std::to_string(at::get_num_threads()) + " threads)";
}

void init_torch_threads() {
  static bool done = false;
  if (done) return;
  done = true;
  // OMP_NUM_THREADS, when set, wins (several runs sharing a machine); else every core.
  long long env = 0;
  if (const char* v = std::getenv("OMP_NUM_THREADS"); v && parse_int64(v, env) && env > 0) {
    at::set_num_threads(static_cast<int>(env));
    return;
  }
  unsigned n = std::thread::hardware_concurrency();
  if (n > 0) at::set_num_threads(static_cast<int>(n));
}

std::string torch_version() { return TORCH_VERSION; }

std::string cuda_summary() {
  if (!at::hasCUDA() || !cuda_available()) return "";
  std::string version = "?";
  try {
    const long v = at::detail::getCUDAHooks().versionCUDART();  // e.g. 12040
    version = std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
  } catch (const std::exception&) {
  }
  const auto n = torch::cuda::device_count();
  return "CUDA " + version + ", " + std::to_string(n) + (n == 1 ? " device" : " devices");
}

}  // namespace tmf
