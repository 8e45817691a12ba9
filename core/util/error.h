// Errors thrown by core. Every message carries the offending values ("hidden_size 4096 is not
// divisible by num_heads 12"); the app and the CLI catch at their boundary and show the message.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace tmf {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Thrown when a long operation sees its cancel flag; the operation has rolled back its effects.
struct Cancelled : Error {
  Cancelled() : Error("cancelled") {}
};

namespace detail {
template <typename... Args>
std::string concat(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}
}  // namespace detail

template <typename... Args>
[[noreturn]] void fail(const Args&... args) {
  throw Error(detail::concat(args...));
}

}  // namespace tmf

// TMF_CHECK(n > 0, "n must be positive, got ", n);
#define TMF_CHECK(cond, ...)                 \
  do {                                       \
    if (!(cond)) ::tmf::fail(__VA_ARGS__);   \
  } while (0)
