#include "composer/composer_panel.h"

#include <QAction>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>
#include <exception>

#include "composer/candidate_model.h"
#include "composer/composition.h"
#include "composer/new_item_dialog.h"
#include "composer/sequence_model.h"
#include "data/case_study.h"
#include "loaded_dataset.h"
#include "thumbnail_cache.h"

ComposerPanel::ComposerPanel(Composition* composition, ThumbnailCache* thumbnails, QWidget* parent)
    : QWidget(parent), m_composition(composition), m_thumbnails(thumbnails) {
  m_sequence = new SequenceModel(composition, thumbnails, this);
  m_candidates = new CandidateModel(composition, thumbnails, this);

  // Case study bar.
  m_name = new QLineEdit;
  m_name->setPlaceholderText(tr("Case study name"));
  m_cases = new QComboBox;
  m_cases->setMinimumContentsLength(16);
  m_cases->setToolTip(tr("Case studies stored in the dataset"));
  auto* load = new QPushButton(tr("Load"));
  auto* save = new QPushButton(tr("Save"));
  auto* fresh = new QPushButton(tr("New"));
  auto* undo = new QToolButton;
  undo->setDefaultAction(composition->undoStack()->createUndoAction(this, tr("Undo")));
  undo->defaultAction()->setShortcut(QKeySequence::Undo);
  auto* redo = new QToolButton;
  redo->setDefaultAction(composition->undoStack()->createRedoAction(this, tr("Redo")));
  redo->defaultAction()->setShortcut(QKeySequence::Redo);
  addAction(undo->defaultAction());
  addAction(redo->defaultAction());
  auto* caseBar = new QHBoxLayout;
  caseBar->addWidget(m_name, 2);
  caseBar->addWidget(fresh);
  caseBar->addWidget(save);
  caseBar->addWidget(m_cases, 2);
  caseBar->addWidget(load);
  caseBar->addWidget(undo);
  caseBar->addWidget(redo);

  // Sequence.
  m_sequenceView = new QListView;
  m_sequenceView->setObjectName(QStringLiteral("sequence"));
  m_sequenceView->setModel(m_sequence);
  m_sequenceView->setViewMode(QListView::IconMode);
  m_sequenceView->setFlow(QListView::LeftToRight);
  m_sequenceView->setWrapping(true);
  m_sequenceView->setMovement(QListView::Static);  // reordering goes through the model, not the layout
  m_sequenceView->setResizeMode(QListView::Adjust);
  m_sequenceView->setIconSize(QSize(SequenceModel::kIconSize, SequenceModel::kIconSize));
  m_sequenceView->setGridSize(QSize(150, SequenceModel::kIconSize + 44));
  m_sequenceView->setWordWrap(true);
  m_sequenceView->setSelectionMode(QAbstractItemView::ExtendedSelection);
  m_sequenceView->setDragDropMode(QAbstractItemView::DragDrop);
  m_sequenceView->setDefaultDropAction(Qt::CopyAction);
  m_sequenceView->setDropIndicatorShown(true);
  m_sequenceView->setDragEnabled(true);  // after setMovement, which resets it
  m_sequenceView->setAcceptDrops(true);
  m_sequenceView->viewport()->setAcceptDrops(true);
  m_sequenceView->setToolTip(tr("Drag items here from the gallery; drag steps to reorder them"));
  auto* remove = new QPushButton(tr("Remove step"));
  remove->setShortcut(QKeySequence::Delete);
  m_behaviorButtons = new QHBoxLayout;
  auto* stepBar = new QHBoxLayout;
  stepBar->addWidget(new QLabel(tr("Behavior of selected steps:")));
  stepBar->addLayout(m_behaviorButtons);
  stepBar->addStretch(1);
  stepBar->addWidget(remove);
  auto* sequenceBox = new QGroupBox(tr("Behavior sequence (oldest first)"));
  auto* sequenceLayout = new QVBoxLayout(sequenceBox);
  sequenceLayout->addWidget(m_sequenceView, 1);
  sequenceLayout->addLayout(stepBar);

  // Target and candidates.
  m_target = new QComboBox;
  m_seed = new QSpinBox;
  m_seed->setRange(0, 1'000'000'000);
  m_seed->setValue(42);
  m_count = new QSpinBox;
  m_count->setRange(2, 100);
  m_count->setValue(10);
  auto* sample = new QPushButton(tr("Sample"));
  auto* removeCandidate = new QPushButton(tr("Remove"));
  m_candidateView = new QListView;
  m_candidateView->setObjectName(QStringLiteral("candidates"));
  m_candidateView->setModel(m_candidates);
  m_candidateView->setIconSize(QSize(CandidateModel::kIconSize, CandidateModel::kIconSize));
  m_candidateView->setSelectionMode(QAbstractItemView::ExtendedSelection);
  m_candidateView->setDragDropMode(QAbstractItemView::DropOnly);
  m_candidateView->setAcceptDrops(true);
  m_candidateView->viewport()->setAcceptDrops(true);
  m_candidateView->setToolTip(tr("Drop items here to add candidates; check one as the expected answer"));
  auto* newItem = new QPushButton(tr("New synthetic item…"));
  auto* run = new QPushButton(tr("Run model ▶"));
  auto* candBar = new QHBoxLayout;
  candBar->addWidget(new QLabel(tr("Seed")));
  candBar->addWidget(m_seed);
  candBar->addWidget(new QLabel(tr("Count")));
  candBar->addWidget(m_count);
  candBar->addWidget(sample);
  candBar->addWidget(removeCandidate);
  auto* candBox = new QGroupBox(tr("Candidates"));
  auto* candLayout = new QVBoxLayout(candBox);
  auto* targetRow = new QFormLayout;
  targetRow->addRow(tr("Target behavior"), m_target);
  candLayout->addLayout(targetRow);
  candLayout->addLayout(candBar);
  candLayout->addWidget(m_candidateView, 1);
  m_notes = new QPlainTextEdit;
  m_notes->setPlaceholderText(tr("Notes: what this case tests, what you expect and why"));
  m_notes->setMaximumHeight(80);
  auto* bottom = new QHBoxLayout;
  bottom->addWidget(newItem);
  bottom->addStretch(1);
  bottom->addWidget(run);

  auto* splitter = new QSplitter(Qt::Vertical);
  splitter->addWidget(sequenceBox);
  splitter->addWidget(candBox);
  splitter->setStretchFactor(0, 1);
  splitter->setStretchFactor(1, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(caseBar);
  layout->addWidget(splitter, 1);
  layout->addWidget(m_notes);
  layout->addLayout(bottom);

  connect(remove, &QPushButton::clicked, this, [this] { m_composition->removeSteps(selectedSteps()); });
  connect(removeCandidate, &QPushButton::clicked, this, [this] {
    QList<int> rows;
    for (const QModelIndex& i : m_candidateView->selectionModel()->selectedIndexes()) rows << i.row();
    m_composition->removeCandidates(rows);
  });
  connect(sample, &QPushButton::clicked, this, &ComposerPanel::sampleCandidates);
  connect(save, &QPushButton::clicked, this, [this] { saveCaseStudy(); });
  connect(fresh, &QPushButton::clicked, this, &ComposerPanel::newCaseStudy);
  connect(load, &QPushButton::clicked, this, [this] {
    if (m_cases->currentIndex() >= 0) loadCaseStudy(m_cases->currentData().toLongLong());
  });
  connect(newItem, &QPushButton::clicked, this, &ComposerPanel::addNewItemFromDialog);
  connect(run, &QPushButton::clicked, this, &ComposerPanel::runRequested);
  connect(m_name, &QLineEdit::textEdited, m_composition, &Composition::setName);
  connect(m_notes, &QPlainTextEdit::textChanged, this, [this] {
    if (m_notes->toPlainText().toStdString() != m_composition->caseStudy().notes)
      m_composition->setNotes(m_notes->toPlainText());
  });
  connect(m_target, qOverload<int>(&QComboBox::activated), this, [this](int i) {
    try {
      m_composition->setTargetBehavior(m_target->itemData(i).toLongLong());
    } catch (const std::exception& e) {
      fail(tr("Cannot set the target"), QString::fromStdString(e.what()), false);
    }
  });
  connect(m_composition, &Composition::changed, this, &ComposerPanel::syncFromComposition);
  connect(m_composition, &Composition::datasetChanged, this, [this] {
    rebuildBehaviorControls();
    refreshCaseList();
  });
  setEnabled(false);
}

void ComposerPanel::setDataset(std::shared_ptr<LoadedDataset> dataset) {
  setEnabled(dataset != nullptr);
  m_composition->setDataset(std::move(dataset));
}

void ComposerPanel::fail(const QString& title, const QString& message, bool quiet) {
  if (!quiet) QMessageBox::warning(this, title, message);
}

void ComposerPanel::rebuildBehaviorControls() {
  while (QLayoutItem* item = m_behaviorButtons->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  m_target->clear();
  const auto& ds = m_composition->dataset();
  if (!ds) return;
  for (const tmf::Behavior& b : ds->behaviors) {
    const BehaviorGlyph g = ds->glyph(b.id);
    auto* button = new QToolButton;
    button->setText(QString::fromStdString(b.name));
    button->setIcon(QIcon(behaviorPixmap(g, 16)));
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    const qint64 id = b.id;
    connect(button, &QToolButton::clicked, this, [this, id] {
      try {
        m_composition->setStepBehavior(selectedSteps(), id);
      } catch (const std::exception& e) {
        fail(tr("Cannot set the behavior"), QString::fromStdString(e.what()), false);
      }
    });
    m_behaviorButtons->addWidget(button);
    m_target->addItem(QIcon(behaviorPixmap(g, 16)), QString::fromStdString(b.name), qlonglong(b.id));
  }
  syncFromComposition();
}

void ComposerPanel::syncFromComposition() {
  const tmf::CaseStudy& cs = m_composition->caseStudy();
  const QString name = QString::fromStdString(cs.name);
  if (m_name->text() != name) m_name->setText(name);
  const QString notes = QString::fromStdString(cs.notes);
  if (m_notes->toPlainText() != notes) {
    const QSignalBlocker b(m_notes);
    m_notes->setPlainText(notes);
  }
  const int t = m_target->findData(qlonglong(cs.target_behavior));
  if (t >= 0) m_target->setCurrentIndex(t);
}

QList<int> ComposerPanel::selectedSteps() const {
  QList<int> rows;
  for (const QModelIndex& i : m_sequenceView->selectionModel()->selectedIndexes()) rows << i.row();
  return rows;
}

void ComposerPanel::addItems(const QList<qint64>& ids) {
  try {
    m_composition->insertSteps(-1, ids);
  } catch (const std::exception& e) {
    fail(tr("Cannot add the items"), QString::fromStdString(e.what()), false);
  }
}

void ComposerPanel::sampleCandidates() {
  try {
    m_composition->sampleCandidates(uint64_t(m_seed->value()), m_count->value());
  } catch (const std::exception& e) {
    fail(tr("Cannot sample candidates"), QString::fromStdString(e.what()), false);
  }
}

bool ComposerPanel::saveCaseStudy(bool quiet) {
  try {
    if (!m_name->text().trimmed().isEmpty()) m_composition->setName(m_name->text().trimmed());
    m_composition->saveToDataset();
    refreshCaseList();
    return true;
  } catch (const std::exception& e) {
    fail(tr("Cannot save the case study"), QString::fromStdString(e.what()), quiet);
    return false;
  }
}

bool ComposerPanel::loadCaseStudy(qint64 id, bool quiet) {
  try {
    const auto& ds = m_composition->dataset();
    if (!ds) throw std::runtime_error("open a dataset first");
    m_composition->loadCaseStudy(tmf::load_case_study(*ds->dataset, id));
    return true;
  } catch (const std::exception& e) {
    fail(tr("Cannot load the case study"), QString::fromStdString(e.what()), quiet);
    return false;
  }
}

void ComposerPanel::newCaseStudy() { m_composition->clear(); }

void ComposerPanel::refreshCaseList() {
  m_cases->clear();
  const auto& ds = m_composition->dataset();
  if (!ds) return;
  try {
    for (const tmf::CaseStudySummary& s : tmf::list_case_studies(*ds->dataset))
      m_cases->addItem(tr("%1 (%2 steps)").arg(QString::fromStdString(s.name)).arg(s.steps), qlonglong(s.id));
  } catch (const std::exception& e) {
    m_cases->setToolTip(QString::fromStdString(e.what()));
  }
}

void ComposerPanel::addNewItemFromDialog() {
  NewItemDialog dialog(this);
  if (dialog.exec() != QDialog::Accepted) return;
  try {
    const qint64 id = m_composition->addNewItem(dialog.name(), dialog.text(), dialog.imageBytes());
    QMessageBox box(QMessageBox::Question, tr("New item"), tr("Add '%1' to the sequence or to the candidates?").arg(dialog.name()));
    QPushButton* toSeq = box.addButton(tr("Sequence"), QMessageBox::AcceptRole);
    QPushButton* toCand = box.addButton(tr("Candidates"), QMessageBox::AcceptRole);
    box.addButton(tr("Neither"), QMessageBox::RejectRole);
    box.exec();
    if (box.clickedButton() == toSeq) m_composition->insertSteps(-1, {id});
    else if (box.clickedButton() == toCand) m_composition->addCandidates({id});
  } catch (const std::exception& e) {
    fail(tr("Cannot add the item"), QString::fromStdString(e.what()), false);
  }
}
