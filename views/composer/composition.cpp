#include "composer/composition.h"

#include <QUndoCommand>
#include <QUndoStack>
#include <algorithm>
#include <set>

#include "loaded_dataset.h"
#include "thumbnail_cache.h"
#include "util/error.h"
#include "util/rng.h"

class CompositionSnapshot : public QUndoCommand {
 public:
  CompositionSnapshot(Composition* c, tmf::CaseStudy before, tmf::CaseStudy after, const QString& text)
      : QUndoCommand(text), m_c(c), m_before(std::move(before)), m_after(std::move(after)) {}
  void undo() override { m_c->apply(m_before, /*keepMeta=*/true); }
  void redo() override { m_c->apply(m_after, /*keepMeta=*/true); }

 private:
  Composition* m_c;
  tmf::CaseStudy m_before, m_after;
};

Composition::Composition(QObject* parent) : QObject(parent), m_undo(new QUndoStack(this)) {}
Composition::~Composition() = default;

void Composition::setDataset(std::shared_ptr<LoadedDataset> dataset) {
  m_dataset = std::move(dataset);
  Q_EMIT datasetChanged();
  clear();
}

void Composition::clear() {
  tmf::CaseStudy cs;
  cs.name = "Untitled case study";
  if (m_dataset && !m_dataset->behaviors.empty()) cs.target_behavior = m_dataset->dataset->target_behavior().id;
  loadCaseStudy(cs);
}

void Composition::loadCaseStudy(const tmf::CaseStudy& cs) {
  m_undo->clear();
  apply(cs, /*keepMeta=*/false);
}

void Composition::apply(const tmf::CaseStudy& snapshot, bool keepMeta) {
  // Undo/redo restore the content; the name, notes and storage id stay as they are now.
  tmf::CaseStudy state = snapshot;
  if (keepMeta) {
    state.id = m_case.id;
    state.name = m_case.name;
    state.notes = m_case.notes;
    state.created = m_case.created;
    state.updated = m_case.updated;
  }
  const bool stepsDiffer = state.steps != m_case.steps || state.new_items.size() != m_case.new_items.size();
  const bool candidatesDiffer = state.candidates != m_case.candidates || state.expected != m_case.expected ||
                                state.new_items.size() != m_case.new_items.size();
  m_case = std::move(state);
  rebuildNewItemImages();
  if (stepsDiffer) Q_EMIT stepsChanged();
  if (candidatesDiffer) Q_EMIT candidatesChanged();
  Q_EMIT changed();
}

void Composition::rebuildNewItemImages() {
  QHash<qint64, QImage> images;
  for (const tmf::CaseItem& it : m_case.new_items) {
    if (m_newItemImages.contains(it.id)) { images.insert(it.id, m_newItemImages.value(it.id)); continue; }
    if (it.image.empty()) continue;
    try {
      images.insert(it.id, ThumbnailCache::decodeThumbnail(it.image, ThumbnailCache::kSize, "of new item " + it.name));
    } catch (const std::exception&) {
      // Saved images were probed; a failure here only loses the thumbnail.
    }
  }
  m_newItemImages = images;
}

void Composition::edit(const QString& text, const std::function<void(tmf::CaseStudy&)>& fn) {
  tmf::CaseStudy after = m_case;
  fn(after);
  m_undo->push(new CompositionSnapshot(this, m_case, std::move(after), text));
}

void Composition::checkItem(qint64 id) const {
  if (id < 0) {
    TMF_CHECK(newItem(id), "new item ", id, " is not part of this case study");
  } else {
    TMF_CHECK(m_dataset && m_dataset->item(id), "item ", id, " is not in the open dataset");
  }
}

qint64 Composition::defaultBehavior() const {
  if (!m_dataset) return 0;
  for (const auto& b : m_dataset->behaviors)
    if (!b.is_target) return b.id;
  return m_dataset->behaviors.empty() ? 0 : m_dataset->behaviors.front().id;
}

void Composition::insertSteps(int row, const QList<qint64>& itemIds, qint64 behaviorId) {
  if (itemIds.isEmpty()) return;
  for (qint64 id : itemIds) checkItem(id);
  if (behaviorId == 0) behaviorId = defaultBehavior();
  TMF_CHECK(m_dataset && m_dataset->behavior(behaviorId), "behavior ", behaviorId, " is not in the vocabulary");
  row = std::clamp(row < 0 ? int(m_case.steps.size()) : row, 0, int(m_case.steps.size()));
  edit(itemIds.size() == 1 ? tr("Add %1").arg(itemName(itemIds.front())) : tr("Add %1 items").arg(itemIds.size()),
       [&](tmf::CaseStudy& cs) {
         std::vector<tmf::CaseStep> add;
         for (qint64 id : itemIds) add.push_back({id, behaviorId});
         cs.steps.insert(cs.steps.begin() + row, add.begin(), add.end());
       });
}

void Composition::removeSteps(QList<int> rows) {
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  rows.erase(std::remove_if(rows.begin(), rows.end(), [&](int r) { return r < 0 || r >= int(m_case.steps.size()); }),
             rows.end());
  if (rows.isEmpty()) return;
  edit(rows.size() == 1 ? tr("Remove step %1").arg(rows.front() + 1) : tr("Remove %1 steps").arg(rows.size()),
       [&](tmf::CaseStudy& cs) {
         for (auto it = rows.rbegin(); it != rows.rend(); ++it) cs.steps.erase(cs.steps.begin() + *it);
       });
}

void Composition::moveStep(int from, int to) {
  const int n = int(m_case.steps.size());
  if (from < 0 || from >= n) return;
  to = std::clamp(to, 0, n - 1);
  if (from == to) return;
  edit(tr("Move step %1 to %2").arg(from + 1).arg(to + 1), [&](tmf::CaseStudy& cs) {
    tmf::CaseStep s = cs.steps[size_t(from)];
    cs.steps.erase(cs.steps.begin() + from);
    cs.steps.insert(cs.steps.begin() + to, s);
  });
}

void Composition::setStepBehavior(const QList<int>& rows, qint64 behaviorId) {
  TMF_CHECK(m_dataset && m_dataset->behavior(behaviorId), "behavior ", behaviorId, " is not in the vocabulary");
  QList<int> valid;
  for (int r : rows)
    if (r >= 0 && r < int(m_case.steps.size()) && m_case.steps[size_t(r)].behavior_id != behaviorId) valid << r;
  if (valid.isEmpty()) return;
  edit(tr("Set behavior to %1").arg(m_dataset->behaviorName(behaviorId)), [&](tmf::CaseStudy& cs) {
    for (int r : valid) cs.steps[size_t(r)].behavior_id = behaviorId;
  });
}

void Composition::replaceSteps(const std::vector<tmf::CaseStep>& steps, const QString& why) {
  for (const auto& s : steps) checkItem(s.item_id);
  edit(why, [&](tmf::CaseStudy& cs) { cs.steps = steps; });
}

void Composition::setTargetBehavior(qint64 behaviorId) {
  TMF_CHECK(m_dataset && m_dataset->behavior(behaviorId), "behavior ", behaviorId, " is not in the vocabulary");
  if (behaviorId == m_case.target_behavior) return;
  edit(tr("Target behavior %1").arg(m_dataset->behaviorName(behaviorId)),
       [&](tmf::CaseStudy& cs) { cs.target_behavior = behaviorId; });
}

void Composition::sampleCandidates(uint64_t seed, int count) {
  TMF_CHECK(m_dataset, "open a dataset first");
  TMF_CHECK(count >= 1, "the number of candidates must be at least 1, not ", count);
  const int64_t expectedItem = m_case.expected >= 0 ? m_case.candidates[size_t(m_case.expected)] : 0;
  std::set<int64_t> exclude;
  for (const auto& s : m_case.steps) exclude.insert(s.item_id);
  if (expectedItem) exclude.insert(expectedItem);
  std::vector<int64_t> pool;
  for (const tmf::Item& it : m_dataset->items)
    if (!exclude.count(it.id)) pool.push_back(it.id);
  const int negatives = std::min<int>(expectedItem ? count - 1 : count, int(pool.size()));
  tmf::Rng rng(seed);
  // Partial Fisher-Yates: the first `negatives` entries become a uniform sample.
  for (int i = 0; i < negatives; ++i) std::swap(pool[size_t(i)], pool[size_t(i) + size_t(rng.below(pool.size() - size_t(i)))]);
  std::vector<int64_t> out(pool.begin(), pool.begin() + negatives);
  int expected = -1;
  if (expectedItem) {
    expected = int(rng.below(out.size() + 1));
    out.insert(out.begin() + expected, expectedItem);
  }
  edit(tr("Sample %1 candidates (seed %2)").arg(out.size()).arg(seed), [&](tmf::CaseStudy& cs) {
    cs.candidates = out;
    cs.expected = expected;
    cs.candidate_seed = int64_t(seed);
  });
}

void Composition::addCandidates(const QList<qint64>& itemIds) {
  QList<qint64> add;
  for (qint64 id : itemIds) {
    checkItem(id);
    if (std::find(m_case.candidates.begin(), m_case.candidates.end(), id) == m_case.candidates.end() && !add.contains(id))
      add << id;
  }
  if (add.isEmpty()) return;
  edit(tr("Add %1 candidate(s)").arg(add.size()), [&](tmf::CaseStudy& cs) {
    for (qint64 id : add) cs.candidates.push_back(id);
    cs.candidate_seed = 0;
  });
}

void Composition::removeCandidates(QList<int> rows) {
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  rows.erase(std::remove_if(rows.begin(), rows.end(),
                            [&](int r) { return r < 0 || r >= int(m_case.candidates.size()); }), rows.end());
  if (rows.isEmpty()) return;
  edit(tr("Remove %1 candidate(s)").arg(rows.size()), [&](tmf::CaseStudy& cs) {
    const int64_t expectedItem = cs.expected >= 0 ? cs.candidates[size_t(cs.expected)] : 0;
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) cs.candidates.erase(cs.candidates.begin() + *it);
    auto pos = std::find(cs.candidates.begin(), cs.candidates.end(), expectedItem);
    cs.expected = expectedItem && pos != cs.candidates.end() ? int(pos - cs.candidates.begin()) : -1;
    cs.candidate_seed = 0;
  });
}

void Composition::setExpected(int index) {
  if (index < -1 || index >= int(m_case.candidates.size()) || index == m_case.expected) return;
  edit(index < 0 ? tr("Clear expected answer") : tr("Expect %1").arg(itemName(m_case.candidates[size_t(index)])),
       [&](tmf::CaseStudy& cs) { cs.expected = index; });
}

qint64 Composition::addNewItem(const QString& name, const QString& text, const std::vector<uint8_t>& image) {
  TMF_CHECK(!name.trimmed().isEmpty(), "a new item needs a name");
  tmf::CaseItem it;
  it.name = name.trimmed().toStdString();
  it.text = text.toStdString();
  if (!image.empty()) {
    // Decoding checks the bytes now, so that a bad file is refused before it enters the document.
    QImage thumb = ThumbnailCache::decodeThumbnail(image, ThumbnailCache::kSize, "'" + it.name + "'");
    it.image = image;
    it.image_format = image.size() > 3 && image[0] == 0x89 ? "png" : "jpeg";
    it.id = -1;
    for (const auto& n : m_case.new_items) it.id = std::min<int64_t>(it.id, n.id - 1);
    m_newItemImages.insert(it.id, thumb);
  } else {
    it.id = -1;
    for (const auto& n : m_case.new_items) it.id = std::min<int64_t>(it.id, n.id - 1);
  }
  edit(tr("New item %1").arg(name), [&](tmf::CaseStudy& cs) { cs.new_items.push_back(it); });
  return it.id;
}

void Composition::setName(const QString& name) {
  m_case.name = name.toStdString();
  Q_EMIT changed();
}

void Composition::setNotes(const QString& notes) {
  m_case.notes = notes.toStdString();
  Q_EMIT changed();
}

int64_t Composition::saveToDataset() {
  TMF_CHECK(m_dataset, "open a dataset first");
  tmf::CaseStudy cs = m_case;
  const int64_t id = tmf::save_case_study(*m_dataset->dataset, cs);
  m_case.id = id;
  m_case.created = cs.created;
  m_case.updated = cs.updated;
  Q_EMIT changed();
  return id;
}

const tmf::CaseItem* Composition::newItem(qint64 id) const {
  for (const auto& it : m_case.new_items)
    if (it.id == id) return &it;
  return nullptr;
}

QString Composition::itemName(qint64 id) const {
  if (id < 0) {
    const tmf::CaseItem* it = newItem(id);
    return it ? QString::fromStdString(it->name) : tr("(missing new item %1)").arg(id);
  }
  const tmf::Item* it = m_dataset ? m_dataset->item(id) : nullptr;
  return it ? QString::fromStdString(it->name) : tr("(missing item %1)").arg(id);
}

QImage Composition::newItemImage(qint64 id) const { return m_newItemImages.value(id); }

tmf::InferenceRequest Composition::request() const {
  TMF_CHECK(m_dataset, "open a dataset first");
  TMF_CHECK(!m_case.steps.empty(), "the sequence is empty: drag items from the gallery into it");
  TMF_CHECK(!m_case.candidates.empty(), "there are no candidates: sample them or drag items into the list");
  TMF_CHECK(m_case.target_behavior != 0, "choose a target behavior");
  tmf::InferenceRequest r;
  for (const auto& s : m_case.steps) {
    r.history_items.push_back(s.item_id);
    r.history_behaviors.push_back(s.behavior_id);
  }
  r.target_behavior = m_case.target_behavior;
  r.candidates = m_case.candidates;
  r.expected = m_case.expected;
  for (const auto& it : m_case.new_items) {
    tmf::NewItem n;
    n.id = it.id;
    n.name = it.name;
    n.text = it.text;
    n.image = std::vector<unsigned char>(it.image.begin(), it.image.end());
    r.new_items.push_back(std::move(n));
  }
  return r;
}
