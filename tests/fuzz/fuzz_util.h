// Shared by the libFuzzer targets (tests/fuzz/README.md): run a parser on the fuzzer's bytes and
// accept the errors it is meant to give. tmf::Error is a clear refusal; nlohmann's exceptions are
// wrapped by every caller into tmf::Error in production, so a bare one reaching here is a finding.
// A crash, a sanitizer report, a hang or a leak is a finding too; libFuzzer stops on each.
#pragma once
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "util/error.h"

namespace tmf::fuzz {

// Runs fn(); a tmf::Error is an accepted outcome, anything else thrown aborts (a finding).
template <typename Fn>
void expect_clean(Fn&& fn) {
  try {
    fn();
  } catch (const tmf::Error&) {
  }
}

// A regular in-memory file holding `data`, for parsers that read paths (memfd: no disk, no races).
class MemFile {
 public:
  MemFile(const uint8_t* data, size_t size) {
    fd_ = memfd_create("tmf-fuzz", 0);
    if (fd_ < 0) std::abort();
    size_t done = 0;
    while (done < size) {
      ssize_t n = ::write(fd_, data + done, size - done);
      if (n <= 0) std::abort();
      done += size_t(n);
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemFile() { ::close(fd_); }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace tmf::fuzz
