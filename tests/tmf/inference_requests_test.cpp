// InferenceRequests from a stored user row and from JSON (tmf/inference_requests.h), torch-free:
// what tmf infer --user / --request build, and the clear errors a hand-written request gets.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "data/candidates.h"
#include "data/dataset.h"
#include "data/dataset_writer.h"
#include "data/image.h"
#include "data/split.h"
#include "tmf/inference_requests.h"

namespace {

struct Fixture {
  std::string dir;
  std::unique_ptr<tmf::Dataset> ds;
  Fixture() {
    // One folder per process: ctest runs this file's tests in parallel.
    dir = std::string(TMF_BINARY_DIR) + "/test-tmp/inference-requests-" + std::to_string(::getpid());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    ds = std::make_unique<tmf::Dataset>(tmf::Dataset::create(dir + "/d.tmfdb", "requests"));
    ds->set_behaviors({"view", "cart", "purchase"}, "purchase");
    tmf::DatasetWriter w(*ds);
    std::vector<int64_t> items;
    for (int i = 0; i < 20; ++i) {
      tmf::ItemInput in;
      in.external_id = "P" + std::to_string(i);
      in.name = "Item " + std::to_string(i);
      items.push_back(w.item(in));
    }
    for (int u = 0; u < 4; ++u) {
      const int64_t user = w.user("u" + std::to_string(u));
      for (int k = 0; k < 8; ++k)
        w.event(user, items[size_t((u * 3 + k) % 20)], ds->behavior_id(k % 3 == 2 ? "purchase" : "view"), k);
    }
    w.commit();
    tmf::make_split(*ds, tmf::SplitOptions{});
    tmf::make_candidates(*ds, tmf::CandidateOptions{});
  }
  ~Fixture() {
    ds.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  tmf::InferenceRequest json(const std::string& text) { return tmf::request_from_json_text(*ds, text, dir, "request"); }
  std::string error_of(const std::string& text) {
    try {
      json(text);
    } catch (const tmf::Error& e) {
      return e.what();
    }
    return "(accepted)";
  }
};

TEST(InferenceRequests, FromAStoredUserRow) {
  Fixture f;
  EXPECT_EQ(f.ds->find_user("u1").value_or(-1), f.ds->user_ids()[1]);
  EXPECT_FALSE(f.ds->find_user("nobody").has_value());
  const tmf::InferenceRequest rq = tmf::request_from_user(*f.ds, "u1", "default", "default", "test");
  EXPECT_FALSE(rq.history_items.empty());
  EXPECT_EQ(rq.history_items.size(), rq.history_behaviors.size());
  EXPECT_EQ(rq.candidates.size(), 11u);
  ASSERT_GE(rq.expected, 0);
  EXPECT_EQ(rq.target_behavior, f.ds->target_behavior().id);
  try {
    tmf::request_from_user(*f.ds, "nobody", "default", "default", "test");
    ADD_FAILURE();
  } catch (const tmf::Error& e) {
    EXPECT_NE(std::string(e.what()).find("no user 'nobody'"), std::string::npos) << e.what();
  }
}

TEST(InferenceRequests, FromJsonWithNewItems) {
  Fixture f;
  tmf::RgbImage img;
  img.width = img.height = 4;
  img.rgb.assign(48, 200);
  const std::vector<uint8_t> png = tmf::encode_png(img);
  std::ofstream(f.dir + "/photo.png", std::ios::binary).write(reinterpret_cast<const char*>(png.data()), std::streamsize(png.size()));
  const tmf::InferenceRequest rq = f.json(R"({
      "history": [{"item": "P1", "behavior": "view"}, {"item": "My bowl", "behavior": "cart"}],
      "target": "purchase", "candidates": ["P2", "My bowl", "P3"], "expected": "My bowl",
      "new_items": [{"name": "My bowl", "text": "a steel bowl", "image": "photo.png"}]})");
  ASSERT_EQ(rq.new_items.size(), 1u);
  EXPECT_EQ(rq.new_items[0].id, -1);
  EXPECT_EQ(rq.new_items[0].image.size(), png.size());
  EXPECT_EQ(rq.history_items, (std::vector<int64_t>{*f.ds->find_item("P1"), -1}));
  EXPECT_EQ(rq.history_behaviors[1], f.ds->behavior_id("cart"));
  EXPECT_EQ(rq.candidates[1], -1);
  EXPECT_EQ(rq.expected, 1);
}

TEST(InferenceRequests, HandWrittenMistakesGetClearErrors) {
  Fixture f;
  const std::string ok_history = R"("history": [{"item": "P1", "behavior": "view"}])";
  EXPECT_NE(f.error_of("[1, 2]").find("must be a JSON object"), std::string::npos);
  EXPECT_NE(f.error_of("{").find("request"), std::string::npos);
  EXPECT_NE(f.error_of(R"({"candidates": ["P2"]})").find("malformed"), std::string::npos);  // no history
  EXPECT_NE(f.error_of("{" + ok_history + R"(, "candidates": "P2"})").find("'candidates' must be an array"),
            std::string::npos);
  EXPECT_NE(f.error_of(R"({"history": [{"item": 7, "behavior": "view"}], "candidates": ["P2"]})")
                .find("'item' must be a string, not number"),
            std::string::npos);
  EXPECT_NE(f.error_of("{" + ok_history + R"(, "candidates": ["P99"]})").find("no item with external id 'P99'"),
            std::string::npos);
  EXPECT_NE(f.error_of(R"({"history": [{"item": "P1", "behavior": "fly"}], "candidates": ["P2"]})").find("fly"),
            std::string::npos);
  EXPECT_NE(f.error_of("{" + ok_history + R"(, "candidates": ["P2"], "expected": "P3"})").find("not among the candidates"),
            std::string::npos);
  EXPECT_NE(f.error_of("{" + ok_history +
                       R"(, "candidates": ["P2"], "new_items": [{"name": "x"}, {"name": "x"}]})")
                .find("two new items are named 'x'"),
            std::string::npos);
  EXPECT_NE(f.error_of("{" + ok_history + R"(, "candidates": ["P2"], "new_items": [{"name": "P2"}]})")
                .find("external id of a dataset item"),
            std::string::npos);
  EXPECT_NE(f.error_of("{" + ok_history + R"(, "candidates": ["P2"], "new_items": [{"name": "y", "image": "/nonexistent.png"}]})")
                .find("/nonexistent.png"),
            std::string::npos);
}

}  // namespace
