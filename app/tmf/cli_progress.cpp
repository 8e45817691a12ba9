#include "cli_progress.h"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace tmf::cli {
namespace {
std::atomic<bool> g_cancel{false};
extern "C" void on_signal(int) { g_cancel.store(true); }
}  // namespace

Progress terminal_progress(bool quiet) {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  Progress p;
  p.cancel = &g_cancel;
  const char* format = std::getenv("TMF_PROGRESS");
  if (format && std::string(format) == "jsonl") {
    auto last = std::make_shared<std::chrono::steady_clock::time_point>();
    p.callback = [last](const ProgressEvent& e) {
      const auto now = std::chrono::steady_clock::now();
      if (now - *last < std::chrono::milliseconds(100) && !(e.total > 0 && e.done >= e.total)) return;
      *last = now;
      const nlohmann::json j = {{"stage", e.stage}, {"done", e.done}, {"total", e.total}, {"message", e.message}};
      std::fprintf(stderr, "%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
      std::fflush(stderr);
    };
    return p;
  }
  if (quiet) return p;
  const bool tty = ::isatty(2);
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  auto last_decile = std::make_shared<int>(-1);
  auto start = std::chrono::steady_clock::now();
  p.callback = [tty, last, last_decile, start](const ProgressEvent& e) {
    auto now = std::chrono::steady_clock::now();
    double frac = e.total > 0 ? e.done / e.total : 0;
    if (tty) {
      if (now - *last < std::chrono::milliseconds(100) && frac < 1) return;
      *last = now;
      int width = 30, filled = int(frac * width);
      double secs = std::chrono::duration<double>(now - start).count();
      double eta = frac > 0.001 ? secs * (1 - frac) / frac : 0;
      std::fprintf(stderr, "\r%-14s [%.*s%*s] %5.1f%%  %.0fs left  %s\x1b[K", e.stage.c_str(), filled,
                   "##############################", width - filled, "", 100 * frac, eta, e.message.c_str());
      if (frac >= 1) std::fprintf(stderr, "\n");
    } else {
      int decile = int(frac * 10);
      if (decile == *last_decile) return;
      *last_decile = decile;
      std::fprintf(stderr, "%s: %.0f%% %s\n", e.stage.c_str(), 100 * frac, e.message.c_str());
    }
  };
  return p;
}

}  // namespace tmf::cli
