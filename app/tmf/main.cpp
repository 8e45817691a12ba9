// tmf: the command-line face of TMF Studio. `tmf help` lists the commands.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "command.h"
#include "util/blas_env.h"
#include "util/error.h"

int main(int argc, char** argv) {
  tmf::configure_blas(argc, argv);  // before anything else: it may re-execute the program
  using namespace tmf::cli;
  auto& cmds = registry();
  std::string name = argc > 1 ? argv[1] : "help";
  if (name == "help" || name == "--help" || name == "-h" || !cmds.count(name)) {
    if (name != "help" && name != "--help" && name != "-h")
      std::fprintf(stderr, "tmf: unknown command '%s'\n\n", name.c_str());
    std::fprintf(stderr, "usage: tmf COMMAND [options]\n\ncommands:\n");
    for (auto& [n, c] : cmds) std::fprintf(stderr, "  %-10s %s\n", n.c_str(), c.help.c_str());
    return name == "help" || name == "--help" || name == "-h" ? 0 : 2;
  }
  std::vector<std::string> rest(argv + 2, argv + argc);
  try {
    Args args(rest);
    return cmds[name].fn(args);
  } catch (const tmf::Cancelled&) {
    std::fprintf(stderr, "tmf %s: cancelled; nothing was changed\n", name.c_str());
    return 130;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tmf %s: error: %s\n", name.c_str(), e.what());
    return 1;
  }
}
