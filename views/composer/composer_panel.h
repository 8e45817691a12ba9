// The Composer panel: builds a synthetic case the way the paper's case studies do (§5.5, Fig. 4).
// Drag items from the gallery into the sequence (or double-click them there), set each step's
// behavior, reorder by drag, remove, undo/redo; choose the target behavior; sample the candidate
// set with a seed and edit it (drop items, remove, mark the expected answer); add synthetic items
// with an image of one's own; save and load case studies in the dataset file. Errors become
// dialogs; the document is the Composition.
#pragma once
#include <QWidget>
#include <memory>

class CandidateModel;
class Composition;
class QComboBox;
class QHBoxLayout;
class QLineEdit;
class QListView;
class QPlainTextEdit;
class QSpinBox;
class SequenceModel;
class ThumbnailCache;
struct LoadedDataset;

class ComposerPanel : public QWidget {
  Q_OBJECT
 public:
  ComposerPanel(Composition* composition, ThumbnailCache* thumbnails, QWidget* parent = nullptr);

  void setDataset(std::shared_ptr<LoadedDataset> dataset);
  SequenceModel* sequenceModel() const { return m_sequence; }
  CandidateModel* candidateModel() const { return m_candidates; }
  QListView* sequenceView() const { return m_sequenceView; }

  // The panel's actions, callable from menus and tests; failures show a dialog (unless quiet).
  void addItems(const QList<qint64>& ids);
  void sampleCandidates();
  bool saveCaseStudy(bool quiet = false);
  bool loadCaseStudy(qint64 id, bool quiet = false);
  void newCaseStudy();
  void addNewItemFromDialog();
  void refreshCaseList();

 Q_SIGNALS:
  void runRequested();

 private:
  void rebuildBehaviorControls();
  void syncFromComposition();
  QList<int> selectedSteps() const;
  void fail(const QString& title, const QString& message, bool quiet);

  Composition* m_composition;
  ThumbnailCache* m_thumbnails;
  SequenceModel* m_sequence;
  CandidateModel* m_candidates;
  QLineEdit* m_name;
  QComboBox* m_cases;
  QListView* m_sequenceView;
  QListView* m_candidateView;
  QHBoxLayout* m_behaviorButtons;
  QComboBox* m_target;
  QSpinBox* m_seed;
  QSpinBox* m_count;
  QPlainTextEdit* m_notes;
};
