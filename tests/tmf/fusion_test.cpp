#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "fusion/adaptor.h"
#include "fusion/modality_fusion.h"
#include "util/error.h"

using namespace tmf;
using Mat = std::vector<std::vector<double>>;

namespace {
Mat softmax_rows(Mat m) {
  for (auto& r : m) {
    double mx = -1e300, s = 0;
    for (double x : r) mx = std::max(mx, x);
    for (double& x : r) s += (x = std::exp(x - mx));
    for (double& x : r) x /= s;
  }
  return m;
}
Mat matmul(const Mat& a, const Mat& b) {
  Mat c(a.size(), std::vector<double>(b[0].size(), 0));
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t k = 0; k < b.size(); ++k)
      for (size_t j = 0; j < b[0].size(); ++j) c[i][j] += a[i][k] * b[k][j];
  return c;
}
Mat transpose(const Mat& a) {
  Mat t(a[0].size(), std::vector<double>(a.size()));
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = 0; j < a[0].size(); ++j) t[j][i] = a[i][j];
  return t;
}
Mat scale(Mat a, double s) {
  for (auto& r : a)
    for (double& x : r) x *= s;
  return a;
}
torch::Tensor tensor(const Mat& m) {
  auto t = torch::zeros({1, int64_t(m.size()), int64_t(m[0].size())});
  for (size_t i = 0; i < m.size(); ++i)
    for (size_t j = 0; j < m[0].size(); ++j) t[0][int64_t(i)][int64_t(j)] = m[i][j];
  return t;
}
void expect_close(const torch::Tensor& t, const Mat& m, double tol) {
  auto c = t.to(torch::kDouble).contiguous();
  ASSERT_EQ(c.size(-2), int64_t(m.size()));
  ASSERT_EQ(c.size(-1), int64_t(m[0].size()));
  auto a = c.view({-1, c.size(-1)});
  for (size_t i = 0; i < m.size(); ++i)
    for (size_t j = 0; j < m[0].size(); ++j) EXPECT_NEAR(a[int64_t(i)][int64_t(j)].item<double>(), m[i][j], tol);
}
}  // namespace

// Eq. 5-8 with identity projections and one head, against the equations computed by hand.
TEST(Fusion, MatchesTheEquationsOnASmallCase) {
  const Mat image = {{1.0, 0.5}, {-0.3, 0.8}, {0.2, -1.0}};
  const Mat text = {{0.1, 0.9}, {0.7, -0.2}, {-0.5, 0.4}};
  const Mat graph = {{0.3}, {-0.6}, {1.2}};
  FusionConfig cfg;
  cfg.image_dim = cfg.text_dim = 2;
  cfg.graph_dim = 1;
  ModalityFusion f(cfg);
  f->amsa->set_identity();
  f->cma_ext->set_identity();
  f->cma_img->set_identity();
  {
    torch::NoGradGuard g;
    f->query_proj->weight.zero_();
    f->query_proj->weight[0][0] = 1;  // query = the image part of the AMSA output
    f->query_proj->weight[1][1] = 1;
  }
  auto mask = torch::ones({1, 3}, torch::kBool);
  FusionOutput out = f(tensor(image), tensor(text), tensor(graph), mask);

  Mat vm;
  for (size_t i = 0; i < 3; ++i) vm.push_back({image[i][0], image[i][1], text[i][0], text[i][1], graph[i][0]});
  Mat w_att = softmax_rows(scale(matmul(vm, transpose(vm)), 1 / std::sqrt(5.0)));   // Eq. 6
  Mat amsa = matmul(w_att, vm);
  Mat query;
  for (auto& r : amsa) query.push_back({r[0], r[1]});
  Mat w_ext = softmax_rows(scale(matmul(query, transpose(image)), 1 / std::sqrt(2.0)));  // Eq. 7
  Mat cma1 = matmul(w_ext, text);
  Mat w_img = softmax_rows(scale(matmul(cma1, transpose(text)), 1 / std::sqrt(2.0)));    // Eq. 8
  Mat cma0 = matmul(w_img, image);

  expect_close(out.amsa[0][0], w_att, 1e-5);
  expect_close(out.cma_ext[0][0], w_ext, 1e-5);
  expect_close(out.cma_img[0][0], w_img, 1e-5);
  expect_close(out.items[0], cma0, 1e-5);
}

TEST(Fusion, ShapesRowsSumToOneAndMaskedKeysGetNoWeight) {
  FusionConfig cfg;
  cfg.image_dim = cfg.text_dim = 8;
  cfg.graph_dim = 4;
  cfg.heads = 2;
  ModalityFusion f(cfg);
  auto img = torch::randn({3, 5, 8}), txt = torch::randn({3, 5, 8}), gr = torch::randn({3, 5, 4});
  auto mask = torch::ones({3, 5}, torch::kBool);
  mask[1][3] = false;
  mask[1][4] = false;
  auto out = f(img, txt, gr, mask);
  EXPECT_EQ(out.items.sizes(), (std::vector<int64_t>{3, 5, 8}));
  for (auto* w : {&out.amsa, &out.cma_ext, &out.cma_img}) {
    EXPECT_EQ(w->sizes(), (std::vector<int64_t>{3, 2, 5, 5}));
    EXPECT_TRUE(torch::allclose(w->sum(-1), torch::ones({3, 2, 5}), 1e-5, 1e-5));
    EXPECT_LT((*w)[1].index({torch::indexing::Slice(), torch::indexing::Slice(), torch::indexing::Slice(3, 5)}).abs().max().item<double>(), 1e-6);
  }
  // The real rows of a padded sequence do not depend on what the padding holds.
  auto img2 = img.clone();
  img2[1][4] += 100;
  auto out2 = f(img2, txt, gr, mask);
  EXPECT_TRUE(torch::allclose(out.items[1].slice(0, 0, 3), out2.items[1].slice(0, 0, 3), 1e-5, 1e-5));
}

TEST(Fusion, WithoutCmaAndBadConfigs) {
  FusionConfig cfg;
  cfg.image_dim = cfg.text_dim = 4;
  cfg.graph_dim = 2;
  cfg.use_cma = false;
  ModalityFusion f(cfg);
  auto out = f(torch::randn({2, 3, 4}), torch::randn({2, 3, 4}), torch::randn({2, 3, 2}), torch::ones({2, 3}, torch::kBool));
  EXPECT_EQ(out.items.sizes(), (std::vector<int64_t>{2, 3, 4}));
  EXPECT_FALSE(out.cma_ext.defined());
  EXPECT_THROW(f(torch::randn({2, 3, 5}), torch::randn({2, 3, 4}), torch::randn({2, 3, 2}), torch::ones({2, 3}, torch::kBool)), Error);
  cfg.text_dim = 6;
  EXPECT_THROW(ModalityFusion{cfg}, Error);
  cfg.text_dim = 4;
  cfg.heads = 3;
  EXPECT_THROW(ModalityFusion{cfg}, Error);  // 10 not divisible by 3
}

TEST(Adaptor, MapsIntoTheHiddenSize) {
  Adaptor a(8, 32);
  EXPECT_EQ(a(torch::randn({5, 8})).sizes(), (std::vector<int64_t>{5, 32}));
  EXPECT_EQ(a(torch::randn({2, 3, 8})).sizes(), (std::vector<int64_t>{2, 3, 32}));
}
