// Runs a built program as a subprocess for the CLI tests (test-only: the arguments are fixed
// strings): its exit status and its output, stdout and stderr together.
#pragma once
#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace tmf::test {

struct CliRun {
  int rc = -1;      // the exit status; -1 when the command could not be started or was killed
  std::string out;  // stdout + stderr
};

inline CliRun run_command(const std::string& cmd) {
  CliRun r;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = ::pclose(p);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// `tmf ARGS` with the tmf program of this build.
inline CliRun run_tmf(const std::string& args) { return run_command(std::string(TMF_TOOL_DIR) + "/tmf " + args); }

}  // namespace tmf::test
