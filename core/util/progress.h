// Progress reporting and cancellation for long core calls (imports, generation, training, eval).
// Callers pass a Progress; core calls report() now and then and stops with tmf::Cancelled when the
// flag is set. Views forward these from a worker thread; the CLI prints a progress bar.
#pragma once
#include <atomic>
#include <functional>
#include <string>

#include "util/error.h"

namespace tmf {

struct ProgressEvent {
  std::string stage;    // "import", "generate", "train:hard", ...
  double done = 0;      // units done so far
  double total = 0;     // 0 when unknown
  std::string message;  // e.g. "loss 2.31"
};

struct Progress {
  std::function<void(const ProgressEvent&)> callback;  // may be empty
  const std::atomic<bool>* cancel = nullptr;           // may be null

  bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
  void check_cancel() const {
    if (cancelled()) throw Cancelled();
  }
  void report(const std::string& stage, double done, double total, const std::string& message = {}) const {
    if (callback) callback(ProgressEvent{stage, done, total, message});
    check_cancel();
  }
};

}  // namespace tmf
