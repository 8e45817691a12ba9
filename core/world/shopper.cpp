#include "world/shopper.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "util/error.h"

namespace tmf::world {
namespace {

// Preference weights (log-odds per matching attribute) and how strongly each act follows them.
constexpr double kBrandW = 1.3, kColourW = 3.0, kPatternW = 1.0, kTargetW = 1.6, kSizeW = 0.9;
constexpr double kViewBeta = 0.5, kCartBeta = 1.1, kPurchaseBeta = 1.6;
constexpr int kPool = 24;                 // items drawn by popularity before preference picks one
constexpr double kNoiseView = 0.3;       // share of views that are random popular items
constexpr double kPartnerBuy = 0.4;      // complement purchase = the anchor's partner item
constexpr int64_t kMinGap = 20, kSessionGap = 86400;

int sample_cum(const std::vector<double>& cum, Rng& rng) {
  const double r = rng.uniform() * cum.back();
  return int(std::upper_bound(cum.begin(), cum.end(), r) - cum.begin());
}

bool contains(const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

double match_score(const Market& m, const Profile& p, const WorldItem& it) {
  const ItemType& t = m.spec().types[size_t(it.type)];
  double s = 0;
  if (contains(p.brands, it.brand)) s += kBrandW;
  if (contains(p.colours, it.colour)) s += kColourW;
  if (contains(p.patterns, it.pattern)) s += kPatternW;
  if (it.target >= 0 && it.target == p.target) s += kTargetW;
  if (it.size >= 0 && t.sizes.size() > 1 &&
      it.size == int(std::lround(p.size_pos * double(t.sizes.size() - 1))))
    s += kSizeW;
  return s;
}

// One item of `type` chosen by popularity then preference; avoids `seen` items when possible.
int choose(const Market& m, const Profile& p, int type, double beta, const std::unordered_set<int>& seen, Rng& rng) {
  std::vector<int> pool;
  std::vector<double> w;
  for (int k = 0; k < kPool * 2 && int(pool.size()) < kPool; ++k) {
    int i = m.popular(type, rng);
    if (i < 0) return -1;
    if (seen.count(i)) continue;
    pool.push_back(i);
    w.push_back(std::exp(beta * match_score(m, p, m.items()[size_t(i)])));
  }
  if (pool.empty()) return -1;
  return pool[rng.weighted(w)];
}

}  // namespace

Market::Market(const WorldSpec& spec, const std::vector<WorldItem>& items)
    : spec_(spec), items_(items), members_(spec.types.size()), cum_(spec.types.size()) {
  double total = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& it = items[i];
    auto& c = cum_[size_t(it.type)];
    c.push_back((c.empty() ? 0 : c.back()) + it.popularity);
    members_[size_t(it.type)].push_back(int(i));
    total += it.popularity;
    all_cum_.push_back(total);
  }
}

int Market::popular(int type, Rng& rng) const {
  if (type < 0) return all_cum_.empty() ? -1 : std::min(sample_cum(all_cum_, rng), int(items_.size()) - 1);
  const auto& c = cum_[size_t(type)];
  if (c.empty()) return -1;
  return members_[size_t(type)][size_t(std::min(sample_cum(c, rng), int(c.size()) - 1))];
}

Profile make_profile(const Market& m, Rng& rng) {
  const WorldSpec& s = m.spec();
  Profile p;
  if (!s.targets.empty()) p.target = int(rng.below(s.targets.size()));
  auto pick_distinct = [&](size_t n, size_t count) {
    std::vector<int> all(n);
    for (size_t i = 0; i < n; ++i) all[i] = int(i);
    rng.shuffle(all);
    all.resize(std::min(count, n));
    return all;
  };
  p.brands = pick_distinct(s.brands.size(), 2 + rng.below(2));
  p.colours = pick_distinct(s.colours.size(), 2);
  p.patterns = pick_distinct(s.patterns.size(), 1 + rng.below(2));
  p.size_pos = rng.uniform();
  // Favourite types among those made for the user's target group (or for everyone).
  p.type_interest.assign(s.types.size(), 0.0);
  std::vector<int> allowed;
  for (size_t t = 0; t < s.types.size(); ++t)
    if ((s.types[t].targets.empty() || contains(s.types[t].targets, p.target)) && m.has_type(int(t)))
      allowed.push_back(int(t));
  TMF_CHECK(!allowed.empty(), "world '", s.world, "' has no item types for target group ",
            p.target >= 0 ? s.targets[size_t(p.target)].key : std::string("(none)"));
  rng.shuffle(allowed);
  for (size_t k = 0; k < allowed.size(); ++k) {
    const int t = allowed[k];
    p.type_interest[size_t(t)] = s.types[size_t(t)].weight * (k < 4 ? 1.0 : 0.08);
  }
  return p;
}

std::vector<ShopEvent> simulate_user(const Market& m, const Profile& p, int length, int64_t start_ts, Rng& rng) {
  const WorldSpec& s = m.spec();
  std::vector<ShopEvent> ev;
  std::unordered_set<int> seen;
  int64_t ts = start_ts;
  int purchases = 0;
  auto add = [&](int item, Act act) {
    if (item < 0) return;
    ts += kMinGap + int64_t(rng.below(1800));
    ev.push_back({item, act, ts});
    seen.insert(item);
    if (act == Act::kPurchase) ++purchases;
  };
  const std::unordered_set<int> none;
  auto browse = [&](int type, int n) {
    for (int k = 0; k < n; ++k) {
      if (rng.bernoulli(kNoiseView)) add(m.popular(-1, rng), Act::kView);
      else add(choose(m, p, type, kViewBeta, none, rng), Act::kView);
    }
  };
  for (int session = 0; (int(ev.size()) < length || purchases < 2); ++session) {
    TMF_CHECK(session < 10 * length + 100, "world '", s.world, "': cannot simulate a user with ", length,
              " events and two purchases (catalog of ", m.items().size(), " items too small?)");
    const int anchor = int(rng.weighted(p.type_interest));
    browse(anchor, 1 + int(rng.below(4)));
    if (rng.bernoulli(0.6)) add(choose(m, p, anchor, kCartBeta, none, rng), Act::kCart);
    const int bought = choose(m, p, anchor, kPurchaseBeta, seen, rng);
    add(bought, Act::kPurchase);
    // Complements of what was bought.
    std::vector<int> comps = s.types[size_t(anchor)].complements;
    rng.shuffle(comps);
    const size_t n_comp = std::min(comps.size(), size_t(1 + rng.below(2)));
    for (size_t c = 0; c < n_comp; ++c) {
      const int ctype = comps[c];
      if (!m.has_type(ctype)) continue;
      browse(ctype, int(rng.below(3)));
      if (rng.bernoulli(0.25)) add(choose(m, p, ctype, kCartBeta, none, rng), Act::kCart);
      if (!rng.bernoulli(0.7)) continue;
      int item = -1;
      if (bought >= 0 && rng.bernoulli(kPartnerBuy)) {
        for (int partner : m.items()[size_t(bought)].partners)
          if (m.items()[size_t(partner)].type == ctype && !seen.count(partner)) item = partner;
      }
      if (item < 0) item = choose(m, p, ctype, kPurchaseBeta, seen, rng);
      add(item, Act::kPurchase);
    }
    ts += kSessionGap + int64_t(rng.below(20 * kSessionGap));
  }
  // Trim to the drawn length unless that would leave fewer than two purchases.
  if (int(ev.size()) > length) {
    int kept_purchases = 0;
    for (int i = 0; i < length; ++i) kept_purchases += ev[size_t(i)].act == Act::kPurchase;
    if (kept_purchases >= 2) ev.resize(size_t(length));
  }
  return ev;
}

}  // namespace tmf::world
