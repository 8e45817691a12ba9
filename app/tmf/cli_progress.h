// A terminal progress bar for core's Progress callbacks, and Ctrl-C wired to the cancel flag.
#pragma once
#include "util/progress.h"

namespace tmf::cli {
// Progress that draws a bar on stderr (only when stderr is a terminal, else a line per 10%),
// and whose cancel flag is raised by SIGINT/SIGTERM.
Progress terminal_progress(bool quiet = false);
}  // namespace tmf::cli
