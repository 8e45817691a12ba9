// A terminal progress bar for core's Progress callbacks, and Ctrl-C wired to the cancel flag.
#pragma once
#include "util/progress.h"

namespace tmf::cli {
// Progress that draws a bar on stderr (only when stderr is a terminal, else a line per 10%),
// and whose cancel flag is raised by SIGINT/SIGTERM. With TMF_PROGRESS=jsonl in the environment
// (programs that drive tmf, such as tmf-studio) it writes one JSON object per event instead, at
// most every 100 ms and always the last of a stage: {"stage":"train:hard","done":40,"total":400,
// "message":"loss 2.31"}; `quiet` does not silence it.
Progress terminal_progress(bool quiet = false);
}  // namespace tmf::cli
