// The user simulator of the synthetic worlds (design tmf.md §6, paper §5.5 principles). Each user
// has a consistent profile — a target group (gender/age or pet), favourite brands, colours and
// patterns, a size position, and a few favourite item types — and shops in intents: browse an
// anchor type (views, noisy: some are random popular items), maybe add one to the cart, buy one,
// then move to its complementary types and buy one of those, often the anchor's "partner" item.
// Preference pulls weakly on views, more on carts and most on purchases, so each modality carries
// its own part of the signal: colour/pattern (images), brand/size/target (text), complements and
// partners (behavior graph). Purchases are of items the user has not touched before.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "util/rng.h"
#include "world/catalog.h"
#include "world/world_spec.h"

namespace tmf::world {

enum class Act { kView = 0, kCart = 1, kPurchase = 2 };
inline const std::vector<std::string>& behavior_names() {
  static const std::vector<std::string> names = {"view", "add to cart", "purchase"};
  return names;
}

struct Profile {
  int target = -1;
  std::vector<int> brands, colours, patterns;
  double size_pos = 0.5;     // 0 = smallest size of any type, 1 = largest
  std::vector<double> type_interest;  // per type, used to pick intents
};

struct ShopEvent {
  int item = 0;
  Act act = Act::kView;
  int64_t ts = 0;
};

// Read-only indexes over the catalog shared by all users.
class Market {
 public:
  Market(const WorldSpec& spec, const std::vector<WorldItem>& items);
  const WorldSpec& spec() const { return spec_; }
  const std::vector<WorldItem>& items() const { return items_; }
  // An item drawn by popularity, from one type (type >= 0) or the whole catalog (-1); -1 when empty.
  int popular(int type, Rng& rng) const;
  bool has_type(int type) const { return !cum_[size_t(type)].empty(); }

 private:
  const WorldSpec& spec_;
  const std::vector<WorldItem>& items_;
  std::vector<std::vector<int>> members_;       // per type
  std::vector<std::vector<double>> cum_;        // per type, cumulative popularity
  std::vector<double> all_cum_;
};

Profile make_profile(const Market& m, Rng& rng);
// A time-ordered sequence of about `length` events (at least two purchases).
std::vector<ShopEvent> simulate_user(const Market& m, const Profile& p, int length, int64_t start_ts, Rng& rng);

}  // namespace tmf::world
