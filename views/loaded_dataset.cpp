#include "loaded_dataset.h"

#include <set>

std::shared_ptr<LoadedDataset> LoadedDataset::load(const QString& path) {
  auto d = std::make_shared<LoadedDataset>();
  d->path = path;
  d->dataset = std::make_unique<tmf::Dataset>(tmf::Dataset::open(path.toStdString()));
  d->items = d->dataset->items();
  d->indexOfItem.reserve(int(d->items.size()));
  for (size_t i = 0; i < d->items.size(); ++i) d->indexOfItem.insert(d->items[i].id, int(i));
  d->behaviors = d->dataset->behaviors();
  d->userIds = d->dataset->user_ids();
  d->stats = tmf::dataset_stats(*d->dataset);
  std::set<std::string> categories;
  for (const tmf::Item& it : d->items)
    for (const std::string& c : it.category_list()) categories.insert(c);
  for (const std::string& c : categories) d->categories << QString::fromStdString(c);
  return d;
}

const tmf::Item* LoadedDataset::item(qint64 id) const {
  auto it = indexOfItem.constFind(id);
  return it == indexOfItem.constEnd() ? nullptr : &items[size_t(*it)];
}

const tmf::Behavior* LoadedDataset::behavior(qint64 id) const {
  for (const auto& b : behaviors)
    if (b.id == id) return &b;
  return nullptr;
}

QString LoadedDataset::behaviorName(qint64 id) const {
  const tmf::Behavior* b = behavior(id);
  return b ? QString::fromStdString(b->name) : QStringLiteral("behavior %1").arg(id);
}

BehaviorGlyph LoadedDataset::glyph(qint64 behaviorId) const {
  const tmf::Behavior* b = behavior(behaviorId);
  if (!b) return {QStringLiteral("?"), 0, false};
  return {QString::fromStdString(b->name), b->position, b->is_target};
}
