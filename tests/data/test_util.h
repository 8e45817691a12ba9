// Helpers for data tests: temporary folders and small hand-made datasets.
#pragma once
#include <string>
#include <vector>

#include "data/dataset.h"

namespace tmf::test {

// A fresh empty directory under the build tree, removed at exit of the test.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  void write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

// Hand-made dataset: behaviors view/cart/purchase (target purchase), items i1..iN with categories
// "Cat|A" or "Cat|B", and the given events "user item behavior ts" lines.
Dataset make_dataset(const std::string& path, int n_items, const std::vector<std::string>& events);

}  // namespace tmf::test
