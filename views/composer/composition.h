// The composer's document (Tiled's shape): a synthetic behavior sequence with its target behavior,
// candidate list, expected answer and the analyst's own new items, as a tmf::CaseStudy. Every edit
// goes through the QUndoStack as a snapshot command, so undo/redo restores exactly the previous
// state. Loading a case study or switching datasets clears the stack. Edits that name unknown
// items or behaviors throw tmf::Error (the panel turns that into a dialog).
#pragma once
#include <QHash>
#include <QImage>
#include <QObject>
#include <QString>
#include <functional>
#include <memory>

#include "data/case_study.h"
#include "tmf/inference.h"

struct LoadedDataset;
class QUndoStack;

class Composition : public QObject {
  Q_OBJECT
 public:
  explicit Composition(QObject* parent = nullptr);
  ~Composition() override;

  QUndoStack* undoStack() const { return m_undo; }
  void setDataset(std::shared_ptr<LoadedDataset> dataset);
  const std::shared_ptr<LoadedDataset>& dataset() const { return m_dataset; }
  const tmf::CaseStudy& caseStudy() const { return m_case; }
  const std::vector<tmf::CaseStep>& steps() const { return m_case.steps; }
  const std::vector<int64_t>& candidates() const { return m_case.candidates; }

  // Undoable edits.
  void insertSteps(int row, const QList<qint64>& itemIds, qint64 behaviorId = 0);  // 0 = defaultBehavior()
  void removeSteps(QList<int> rows);
  void moveStep(int from, int to);  // `to` is the row the step ends up at
  void setStepBehavior(const QList<int>& rows, qint64 behaviorId);
  void replaceSteps(const std::vector<tmf::CaseStep>& steps, const QString& why);
  void setTargetBehavior(qint64 behaviorId);
  // Draws `count` dataset items that are not in the sequence (seeded, tmf::Rng); the expected item,
  // when one is marked, stays in the list at a drawn position.
  void sampleCandidates(uint64_t seed, int count);
  void addCandidates(const QList<qint64>& itemIds);
  void removeCandidates(QList<int> rows);
  void setExpected(int index);  // -1 = none
  // Adds an analyst's item (image bytes may be empty); returns its negative id. Throws tmf::Error
  // for an undecodable image.
  qint64 addNewItem(const QString& name, const QString& text, const std::vector<uint8_t>& image);

  // Not undoable: metadata and whole-document operations.
  void setName(const QString& name);
  void setNotes(const QString& notes);
  void loadCaseStudy(const tmf::CaseStudy& cs);
  void clear();
  int64_t saveToDataset();  // throws tmf::Error

  qint64 defaultBehavior() const;
  QString itemName(qint64 id) const;
  QImage newItemImage(qint64 id) const;  // thumbnail of a new item (null when none)
  const tmf::CaseItem* newItem(qint64 id) const;
  tmf::InferenceRequest request() const;  // throws tmf::Error when the composition is incomplete

 Q_SIGNALS:
  void changed();        // anything in the document
  void stepsChanged();
  void candidatesChanged();
  void datasetChanged();

 private:
  friend class CompositionSnapshot;
  void edit(const QString& text, const std::function<void(tmf::CaseStudy&)>& fn);
  void apply(const tmf::CaseStudy& snapshot, bool keepMeta);
  void checkItem(qint64 id) const;
  void rebuildNewItemImages();

  QUndoStack* m_undo;
  std::shared_ptr<LoadedDataset> m_dataset;
  tmf::CaseStudy m_case;
  QHash<qint64, QImage> m_newItemImages;
};
