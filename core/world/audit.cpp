#include "world/audit.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "data/evaluation_rows.h"
#include "data/image.h"
#include "data/split.h"
#include "util/error.h"
#include "util/rng.h"
#include "world/world_spec.h"

namespace tmf::world {
namespace {

constexpr int kCoocWindow = 5;

uint64_t pair_key(int64_t a, int64_t b) {
  if (a > b) std::swap(a, b);
  return (uint64_t(a) << 32) | uint64_t(uint32_t(b));
}

// Index of the best score; ties broken uniformly by rng.
int argmax_tie(const std::vector<double>& s, Rng& rng) {
  const double best = *std::max_element(s.begin(), s.end());
  std::vector<int> top;
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] >= best - 1e-9 * std::max(1.0, std::abs(best))) top.push_back(int(i));
  return top[rng.below(top.size())];
}

const std::unordered_set<std::string>& stop_words() {
  static const std::unordered_set<std::string> s = {"a", "an", "the", "and", "or", "with", "for", "of", "by", "in",
                                                    "on", "to", "at", "from", "size", "is", "it", "each"};
  return s;
}

}  // namespace

std::vector<float> colour_histogram(const RgbImage& img) {
  std::vector<float> h(64, 0.f);
  if (img.width <= 0 || img.height <= 0) return h;
  std::map<uint32_t, int> border;
  auto key = [](const uint8_t* p) { return (uint32_t(p[0]) << 16) | (uint32_t(p[1]) << 8) | p[2]; };
  for (int x = 0; x < img.width; ++x) {
    ++border[key(img.at(x, 0))];
    ++border[key(img.at(x, img.height - 1))];
  }
  for (int y = 0; y < img.height; ++y) {
    ++border[key(img.at(0, y))];
    ++border[key(img.at(img.width - 1, y))];
  }
  uint32_t bg = 0;
  int best = -1;
  for (const auto& [k, n] : border)
    if (n > best) best = n, bg = k;
  const int br = int(bg >> 16), bgc = int((bg >> 8) & 255), bb = int(bg & 255);
  double total = 0;
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      const uint8_t* p = img.at(x, y);
      if (std::abs(p[0] - br) + std::abs(p[1] - bgc) + std::abs(p[2] - bb) < 24) continue;
      h[size_t((p[0] >> 6) * 16 + (p[1] >> 6) * 4 + (p[2] >> 6))] += 1.f;
      total += 1;
    }
  if (total > 0)
    for (auto& v : h) v = float(v / total);
  return h;
}

double AuditResult::hit_rate(const std::string& predictor) const {
  for (const auto& l : lines)
    if (l.predictor == predictor) return l.hit_rate;
  fail("the audit has no predictor '", predictor, "'");
}

AuditResult audit_modalities(const Dataset& ds, const AuditOptions& opts, const Progress& progress) {
  AuditResult res;
  res.dataset = ds.name();
  const EvaluationRows rows = load_evaluation_rows(ds, opts.split, opts.candidates, opts.part);
  TMF_CHECK(rows.size() > 0, "candidate set '", opts.candidates, "' of split '", opts.split, "' has no '", opts.part,
            "' rows in ", ds.path());

  // Cut-off per user: the first evaluated target (validation, else test).
  std::unordered_map<int64_t, int64_t> cutoff_event;  // user -> target event id
  for (const auto& r : load_split_rows(ds, opts.split, "test")) cutoff_event[r.user_id] = r.target_event_id;
  for (const auto& r : load_split_rows(ds, opts.split, "valid")) cutoff_event[r.user_id] = r.target_event_id;

  std::unordered_map<int64_t, double> behavior_w;
  for (const auto& b : ds.behaviors()) behavior_w[b.id] = 1.0 + b.position;

  // Behavior graph: popularity and co-occurrence from events before each user's cut-off.
  progress.report("audit:graph", 0, 1);
  std::unordered_map<int64_t, double> pop;
  std::unordered_map<uint64_t, float> cooc;
  ds.for_each_user_events([&](int64_t user, const std::vector<Event>& events) {
    size_t end = events.size();
    if (auto it = cutoff_event.find(user); it != cutoff_event.end())
      for (size_t i = 0; i < events.size(); ++i)
        if (events[i].id == it->second) {
          end = i;
          break;
        }
    for (size_t i = 0; i < end; ++i) {
      pop[events[i].item_id] += 1;
      for (size_t j = i + 1; j < end && j <= i + kCoocWindow; ++j)
        if (events[i].item_id != events[j].item_id) cooc[pair_key(events[i].item_id, events[j].item_id)] += 1.f;
    }
  });

  // Text: token sets with IDF over the catalog.
  progress.report("audit:text", 0, 1);
  const auto items = ds.items();
  std::unordered_map<int64_t, std::vector<std::string>> tokens;
  std::unordered_map<std::string, int> df;
  for (const auto& it : items) {
    auto toks = word_tokens(it.text());
    std::sort(toks.begin(), toks.end());
    toks.erase(std::unique(toks.begin(), toks.end()), toks.end());
    for (const auto& t : toks) ++df[t];
    tokens[it.id] = std::move(toks);
  }
  const double n_items = double(std::max<size_t>(items.size(), 1));
  std::unordered_map<std::string, double> idf;
  for (const auto& [t, n] : df)
    if (n >= 2 && n <= n_items * 0.5 && !stop_words().count(t)) idf[t] = std::log(n_items / n);
  auto text_sim = [&](int64_t a, int64_t b) {
    const auto &ta = tokens[a], &tb = tokens[b];
    double s = 0;
    size_t i = 0, j = 0;
    while (i < ta.size() && j < tb.size()) {
      if (ta[i] < tb[j]) ++i;
      else if (tb[j] < ta[i]) ++j;
      else {
        if (auto f = idf.find(ta[i]); f != idf.end()) s += f->second;
        ++i, ++j;
      }
    }
    return s;
  };

  // Images: colour histograms, decoded lazily.
  std::unordered_map<int64_t, std::vector<float>> hist;
  auto item_hist = [&](int64_t id) -> const std::vector<float>& {
    auto it = hist.find(id);
    if (it != hist.end()) return it->second;
    auto bytes = ds.item_image(id);
    std::vector<float> h(64, 0.f);
    if (!bytes.empty()) h = colour_histogram(decode_image(bytes, "of item " + std::to_string(id)));
    return hist.emplace(id, std::move(h)).first->second;
  };

  enum { kPop, kImage, kText, kGraph, kAll, kN };
  int64_t hits[kN] = {0, 0, 0, 0, 0};
  int64_t n = 0;
  size_t k_total = 0;
  for (size_t r = 0; r < rows.size(); ++r) {
    const CandidateRow& c = rows.candidates[r];
    const SplitRow& row = rows.rows[r];
    const size_t K = c.items.size();
    k_total += K;
    std::vector<float> prof(64, 0.f);
    for (const auto& h : row.history) {
      const auto& hh = item_hist(h.item_id);
      const float w = float(behavior_w[h.behavior_id]);
      for (size_t b = 0; b < 64; ++b) prof[b] += w * hh[b];
    }
    std::vector<double> s[kN];
    for (auto& v : s) v.assign(K, 0.0);
    for (size_t k = 0; k < K; ++k) {
      const int64_t cand = c.items[k];
      s[kPop][k] = pop.count(cand) ? pop[cand] : 0.0;
      const auto& ch = item_hist(cand);
      for (size_t b = 0; b < 64; ++b) s[kImage][k] += double(prof[b]) * ch[b];
      for (const auto& h : row.history) {
        const double w = behavior_w[h.behavior_id];
        s[kText][k] += w * text_sim(h.item_id, cand);
        if (h.item_id != cand)
          if (auto f = cooc.find(pair_key(h.item_id, cand)); f != cooc.end()) s[kGraph][k] += w * f->second;
      }
    }
    // The three modalities together: sum of each candidate's rank under each (0 = worst).
    for (int p : {kImage, kText, kGraph})
      for (size_t k = 0; k < K; ++k)
        for (size_t o = 0; o < K; ++o) s[kAll][k] += s[p][k] > s[p][o] ? 1.0 : s[p][k] == s[p][o] ? 0.5 : 0.0;
    for (int p = 0; p < kN; ++p) {
      Rng rng = Rng(opts.seed).fork(uint64_t(c.row_id) * 8 + uint64_t(p));
      hits[p] += argmax_tie(s[p], rng) == c.truth_pos;
    }
    ++n;
    if (r % 200 == 0) progress.report("audit:score", double(r), double(rows.size()));
  }
  res.rows = n;
  res.candidates_per_row = int(std::lround(double(k_total) / double(n)));
  auto rate = [&](int p) { return double(hits[p]) / double(n); };
  res.lines = {
      {"random", "(none)", 1.0 / res.candidates_per_row},
      {"popularity", "behavior graph", rate(kPop)},
      {"image colour", "image", rate(kImage)},
      {"text overlap", "text", rate(kText)},
      {"co-occurrence", "behavior graph", rate(kGraph)},
      {"rank sum of the three", "image + text + graph", rate(kAll)},
  };
  return res;
}

std::string format_audit(const std::vector<AuditResult>& results) {
  TMF_CHECK(!results.empty(), "no audit results to format");
  std::string out = "| predictor | modality |";
  for (const auto& r : results) out += " " + r.dataset + " |";
  out += "\n|---|---|";
  for (size_t i = 0; i < results.size(); ++i) out += "---:|";
  out += "\n";
  for (size_t l = 0; l < results[0].lines.size(); ++l) {
    out += "| " + results[0].lines[l].predictor + " | " + results[0].lines[l].modality + " |";
    for (const auto& r : results) {
      char buf[32];
      std::snprintf(buf, sizeof buf, " %.3f |", r.lines[l].hit_rate);
      out += buf;
    }
    out += "\n";
  }
  out += "| rows | |";
  for (const auto& r : results) out += " " + std::to_string(r.rows) + " |";
  out += "\n";
  return out;
}

}  // namespace tmf::world
