// Shared fixture of the rating tests: a temporary folder and a small dataset with a split, a
// candidate set, a rating study and two sources whose recommendations coincide for some users.
#pragma once
#include <string>
#include <vector>

#include "data/dataset.h"
#include "rating/rating_study.h"

namespace tmf::rating_test {

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

// 24 users with 6 events each over 40 items (every 3rd item has a PNG image); behaviors
// view/cart/purchase; split "default" and candidate set "default" (10 negatives).
std::string make_rating_dataset(const std::string& path);

// The study "s" with `n` sequences and raters, plus sources "SecretModelAlpha" (kind tmf, origin
// /models/secret-alpha-pkg) and "SecretModelBeta" (kind baseline): both recommend the first
// candidate that is not the truth, except Beta differs on every other sequence. Returns the id.
inline constexpr const char* kSourceA = "SecretModelAlpha";
inline constexpr const char* kSourceB = "SecretModelBeta";
inline constexpr const char* kOriginA = "/models/secret-alpha-pkg";
int64_t make_study(Dataset& ds, int n, const std::vector<std::string>& raters);

}  // namespace tmf::rating_test
