// An open dataset as the studio holds it: the tmf::Dataset connection plus what every panel needs
// at hand (items by id, behaviors, users, Table 1 statistics). Built by load() off the UI thread;
// afterwards used on the UI thread only (the SQLite connection must not be shared between threads
// at the same time: workers open their own).
#pragma once
#include <QHash>
#include <QStringList>
#include <QString>
#include <memory>
#include <vector>

#include "behavior_glyph.h"
#include "data/dataset.h"
#include "data/stats.h"

struct LoadedDataset {
  QString path;
  std::unique_ptr<tmf::Dataset> dataset;
  std::vector<tmf::Item> items;          // by id
  QHash<qint64, int> indexOfItem;        // item id -> index in items
  std::vector<tmf::Behavior> behaviors;  // vocabulary order
  std::vector<int64_t> userIds;
  tmf::DatasetStats stats;
  QStringList categories;                // every category level of every item, sorted

  // Throws tmf::Error (not a dataset, newer schema, missing file, ...).
  static std::shared_ptr<LoadedDataset> load(const QString& path);

  const tmf::Item* item(qint64 id) const;
  const tmf::Behavior* behavior(qint64 id) const;
  QString behaviorName(qint64 id) const;
  BehaviorGlyph glyph(qint64 behaviorId) const;
  QString name() const { return QString::fromStdString(stats.name); }
};
