// Where a model package may be written, and writing it there without losing anything.
//
// `tmf train --out PATH` once deleted whatever was at PATH (a folder of notes, a CSV). Now a
// package goes only to a path that does not exist, an empty folder, or an existing TMF package
// (a folder with tmf.json), which it replaces atomically: the new package is written beside it,
// the old one renamed away, the new one renamed in, the old one removed. A crash at any point
// leaves either the old or the new package at PATH, plus at most a hidden sibling to clean up.
#pragma once
#include <functional>
#include <string>

namespace tmf {

// Throws tmf::Error naming the path and what is there when a package may not be written to `dir`.
// Called before training starts (hours of work must not end in this error) and again at save.
void check_package_destination(const std::string& dir);

// Writes a package with `write(tmp)` into a fresh sibling folder of `dir`, then puts it at `dir`
// as described above. `write` fills the folder it is given; if it throws, nothing at `dir` changes.
void write_package_atomically(const std::string& dir, const std::function<void(const std::string& tmp)>& write);

}  // namespace tmf
