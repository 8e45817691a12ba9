#include "tmf/package_destination.h"

#include <unistd.h>

#include <filesystem>
#include <random>

#include "util/error.h"

namespace tmf {

namespace fs = std::filesystem;

namespace {

// A sibling of `dir` that does not exist yet: ".<name>.<what>-<pid>-<random>".
std::string fresh_sibling(const std::string& dir, const char* what) {
  const fs::path p = fs::absolute(dir).lexically_normal();
  const fs::path parent = p.has_parent_path() ? p.parent_path() : fs::path(".");
  std::random_device rd;
  for (int i = 0; i < 100; ++i) {
    fs::path cand = parent / ("." + p.filename().string() + "." + what + "-" + std::to_string(::getpid()) + "-" +
                              std::to_string(rd() % 1000000));
    std::error_code ec;
    if (!fs::exists(cand, ec)) return cand.string();
  }
  fail("cannot find a free temporary name beside '", dir, "'");
}

}  // namespace

void check_package_destination(const std::string& dir) {
  TMF_CHECK(!dir.empty(), "the package path is empty");
  std::error_code ec;
  const auto st = fs::symlink_status(dir, ec);
  if (ec || !fs::exists(st)) return;  // a new path
  TMF_CHECK(fs::is_directory(st), "'", dir,
            "' exists and is not a folder: a model package is a folder; choose a new path (nothing was written)");
  if (fs::exists(fs::path(dir) / "tmf.json")) return;  // an existing package: replaced atomically
  std::string first;
  int64_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (n++ == 0) first = e.path().filename().string();
  }
  TMF_CHECK(n == 0, "'", dir, "' is a folder with ", n, " entr", n == 1 ? "y" : "ies", " (", first,
            n > 1 ? ", ..." : "", ") and not a TMF model package (no tmf.json): it is left as it is; choose a new "
            "path or an empty folder");
}

void write_package_atomically(const std::string& dir, const std::function<void(const std::string& tmp)>& write) {
  check_package_destination(dir);
  const std::string tmp = fresh_sibling(dir, "partial");
  fs::create_directories(tmp);
  try {
    write(tmp);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
  check_package_destination(dir);  // the path may have changed while the package was written
  if (fs::exists(dir)) {
    const std::string old = fresh_sibling(dir, "old");
    fs::rename(dir, old);
    fs::rename(tmp, dir);
    std::error_code ec;
    fs::remove_all(old, ec);
  } else {
    if (fs::path(dir).has_parent_path()) fs::create_directories(fs::path(dir).parent_path());
    fs::rename(tmp, dir);
  }
}

}  // namespace tmf
