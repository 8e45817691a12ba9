#include "rating/ratings_panel.h"

#include <QBoxLayout>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>

#include "rating/rater_window.h"
#include "rating/rating_csv.h"
#include "rating/rating_results_view.h"
#include "util/error.h"
#include "util/strings.h"

namespace {
QString qs(const std::string& s) { return QString::fromStdString(s); }
std::string ss(const QString& s) { return s.toStdString(); }
}  // namespace

RatingsPanel::RatingsPanel(QWidget* parent) : QWidget(parent) {
  auto* outer = new QVBoxLayout(this);
  auto* split = new QSplitter(Qt::Vertical, this);
  outer->addWidget(split, 1);

  // --- study set-up -------------------------------------------------------------------------
  auto* setup = new QWidget(split);
  auto* sv = new QVBoxLayout(setup);
  auto* studyRow = new QHBoxLayout;
  studyRow->addWidget(new QLabel(tr("Study:"), setup));
  m_studies = new QComboBox(setup);
  m_studies->setMinimumWidth(160);
  studyRow->addWidget(m_studies, 1);
  m_studyInfo = new QLabel(setup);
  studyRow->addWidget(m_studyInfo, 2);
  sv->addLayout(studyRow);
  connect(m_studies, &QComboBox::currentTextChanged, this, [this](const QString& s) {
    refreshStudy();
    Q_EMIT studyChanged(s);
  });

  auto* create = new QGroupBox(tr("New study"), setup);
  auto* form = new QFormLayout(create);
  m_newName = new QLineEdit(create);
  m_newName->setPlaceholderText(tr("e.g. tmf-vs-mbht"));
  m_newSequences = new QSpinBox(create);
  m_newSequences->setRange(1, 100000);
  m_newSequences->setValue(100);
  m_newSeed = new QSpinBox(create);
  m_newSeed->setRange(0, 2147483647);
  m_newSeed->setValue(42);
  m_newRaters = new QLineEdit(create);
  m_newRaters->setPlaceholderText(tr("names or codes, comma-separated"));
  m_newSplit = new QLineEdit(QStringLiteral("default"), create);
  m_newCandidates = new QLineEdit(QStringLiteral("default"), create);
  auto* createButton = new QPushButton(tr("Create study"), create);
  form->addRow(tr("Name"), m_newName);
  form->addRow(tr("Sequences"), m_newSequences);
  form->addRow(tr("Seed"), m_newSeed);
  form->addRow(tr("Raters"), m_newRaters);
  form->addRow(tr("Split"), m_newSplit);
  form->addRow(tr("Candidate set"), m_newCandidates);
  form->addRow(createButton);
  connect(createButton, &QPushButton::clicked, this, [this] {
    QStringList raters;
    for (const QString& r : m_newRaters->text().split(',', Qt::SkipEmptyParts)) raters << r.trimmed();
    createStudy(m_newName->text().trimmed(), m_newSequences->value(), quint64(m_newSeed->value()), raters,
                m_newSplit->text().trimmed(), m_newCandidates->text().trimmed());
  });

  auto* sources = new QGroupBox(tr("Recommendation sources (never shown to raters)"), setup);
  auto* srcv = new QVBoxLayout(sources);
  m_sources = new QTableWidget(0, 4, sources);
  m_sources->setHorizontalHeaderLabels({tr("Source"), tr("Kind"), tr("Recommendations"), tr("Origin")});
  m_sources->horizontalHeader()->setStretchLastSection(true);
  m_sources->setEditTriggers(QAbstractItemView::NoEditTriggers);
  srcv->addWidget(m_sources);
  auto* srcButtons = new QHBoxLayout;
  auto* addCsv = new QPushButton(tr("Add CSV source…"), sources);
  m_addTmf = new QPushButton(tr("Add TMF package…"), sources);
  m_progress = new QProgressBar(sources);
  m_progress->setVisible(false);
  m_cancelButton = new QPushButton(tr("Cancel"), sources);
  m_cancelButton->setVisible(false);
  srcButtons->addWidget(addCsv);
  srcButtons->addWidget(m_addTmf);
  srcButtons->addWidget(m_progress, 1);
  srcButtons->addWidget(m_cancelButton);
  srcv->addLayout(srcButtons);
  connect(addCsv, &QPushButton::clicked, this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, tr("Recommendations (user,item) CSV"), {}, tr("CSV (*.csv)"));
    if (file.isEmpty()) return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Source name"), tr("Name of this source (analysts only):"),
                                               QLineEdit::Normal, QFileInfo(file).baseName(), &ok);
    if (ok) addCsvSource(name.trimmed(), file);
  });
  connect(m_addTmf, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("TMF model package"));
    if (dir.isEmpty()) return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Source name"), tr("Name of this source (analysts only):"),
                                               QLineEdit::Normal, QFileInfo(dir).fileName(), &ok);
    if (ok) addTmfSource(name.trimmed(), dir);
  });
  m_runner = new TmfSourceRunner(this);
  connect(m_cancelButton, &QPushButton::clicked, m_runner, &TmfSourceRunner::cancel);
  connect(m_runner, &TmfSourceRunner::progressed, this, [this](double done, double total) {
    m_progress->setRange(0, int(total));
    m_progress->setValue(int(done));
  });
  connect(m_runner, &TmfSourceRunner::finished, this, [this](bool ok, const QString& message) {
    m_progress->setVisible(false);
    m_cancelButton->setVisible(false);
    m_addTmf->setEnabled(m_runner->hasRecommender());
    if (ok) {
      setStatus(message);
      refreshStudy();
    } else {
      fail(tr("Cannot add the TMF source"), message);
    }
    Q_EMIT tmfSourceDone(ok, message);
  });

  auto* raters = new QGroupBox(tr("Raters"), setup);
  auto* rh = new QHBoxLayout(raters);
  m_raters = new QComboBox(raters);
  m_raters->setEditable(true);
  m_raters->setMinimumWidth(140);
  auto* addRaterButton = new QPushButton(tr("Add rater"), raters);
  auto* startButton = new QPushButton(tr("Start rater mode"), raters);
  rh->addWidget(m_raters, 1);
  rh->addWidget(addRaterButton);
  rh->addWidget(startButton);
  connect(addRaterButton, &QPushButton::clicked, this, [this] { addRater(m_raters->currentText().trimmed()); });
  connect(startButton, &QPushButton::clicked, this, [this] {
    if (RaterWindow* w = startRating(m_raters->currentText().trimmed())) w->show();
  });

  auto* setupRow = new QHBoxLayout;
  setupRow->addWidget(create, 1);
  auto* right = new QVBoxLayout;
  right->addWidget(sources, 2);
  right->addWidget(raters);
  setupRow->addLayout(right, 2);
  sv->addLayout(setupRow);

  // --- results -------------------------------------------------------------------------------
  m_results = new RatingResultsView(split);
  connect(m_results, &RatingResultsView::failed, this,
          [this](const QString& what, const QString& message) { fail(what, message); });
  connect(m_results, &RatingResultsView::statusMessage, this, [this](const QString& text) { setStatus(text); });
  connect(m_results, &RatingResultsView::ratingsImported, this, [this] { refreshStudy(); });
  split->addWidget(setup);
  split->addWidget(m_results);

  m_status = new QLabel(this);
  m_status->setWordWrap(true);
  outer->addWidget(m_status);
  setTmfRecommender({});
  setEnabled(false);
}

RatingsPanel::~RatingsPanel() = default;  // m_runner cancels and waits for its job

RatingStatsModel* RatingsPanel::statsModel() const { return m_results->model(); }
BubbleChart* RatingsPanel::chart() const { return m_results->chart(); }

void RatingsPanel::setTmfRecommender(TmfRecommender fn) {
  m_runner->setRecommender(std::move(fn));
  m_addTmf->setEnabled(m_runner->hasRecommender() && !m_runner->busy());
  m_addTmf->setToolTip(m_runner->hasRecommender() ? tr("Recommend with a TMF model package (constrained decoding over the "
                                          "study's candidate sets)")
                                     : tr("This program has no TMF inference; use `tmf rate add-source --tmf DIR`"));
}

bool RatingsPanel::fail(const QString& what, const std::exception& e) { return fail(what, QString::fromStdString(e.what())); }

bool RatingsPanel::fail(const QString& what, const QString& message) {
  m_error = QStringLiteral("%1: %2").arg(what, message);
  setStatus(m_error, true);
  if (m_interactive) QMessageBox::warning(this, what, message);
  return false;
}

void RatingsPanel::setStatus(const QString& text, bool error) {
  m_status->setText(text);
  m_status->setStyleSheet(error ? QStringLiteral("color: #b00020") : QString());
}

void RatingsPanel::setDataset(const QString& path) {
  if (m_runner->busy()) {
    // The job has its own connection; its result reaches a study of the file it was started on.
    m_runner->cancel();
  }
  m_results->setStudy(nullptr, {}, {});
  m_ds.reset();
  m_path.clear();
  m_results->clearDatasets();
  setEnabled(false);
  if (!path.isEmpty()) {
    try {
      m_ds = std::make_unique<tmf::Dataset>(tmf::Dataset::open(ss(path)));
      m_path = path;
      setEnabled(true);
    } catch (const std::exception& e) {
      fail(tr("Cannot open dataset"), e);
    }
  }
  refreshStudies();
}

void RatingsPanel::refreshStudies(const QString& select) {
  const QString keep = select.isEmpty() ? m_studies->currentText() : select;
  {
    QSignalBlocker block(m_studies);
    m_studies->clear();
    if (m_ds) {
      try {
        for (auto& s : tmf::list_studies(*m_ds)) m_studies->addItem(qs(s.name));
      } catch (const std::exception& e) {
        fail(tr("Cannot read studies"), e);
      }
    }
    const int i = m_studies->findText(keep);
    if (i >= 0) m_studies->setCurrentIndex(i);
  }
  refreshStudy();
}

QString RatingsPanel::currentStudy() const { return m_studies->currentText(); }

bool RatingsPanel::selectStudy(const QString& name) {
  const int i = m_studies->findText(name);
  if (i < 0) {
    m_error = tr("no study '%1'").arg(name);
    return false;
  }
  m_studies->setCurrentIndex(i);
  refreshStudy();
  return true;
}

void RatingsPanel::refreshStudy() {
  m_sources->setRowCount(0);
  const QString current = m_raters->currentText();
  m_raters->clear();
  m_studyInfo->clear();
  if (!m_ds || currentStudy().isEmpty()) {
    refreshResults();
    return;
  }
  try {
    const tmf::RatingStudy st = tmf::find_study(*m_ds, ss(currentStudy()));
    m_studyInfo->setText(tr("%1 sequences (asked %2, seed %3), split '%4', candidates '%5'")
                             .arg(st.sampled).arg(st.n_sequences).arg(st.seed)
                             .arg(qs(st.split), qs(st.candidates)));
    for (auto& s : tmf::study_sources(*m_ds, st.id)) {
      const int r = m_sources->rowCount();
      m_sources->insertRow(r);
      m_sources->setItem(r, 0, new QTableWidgetItem(qs(s.name)));
      m_sources->setItem(r, 1, new QTableWidgetItem(qs(s.kind)));
      m_sources->setItem(r, 2, new QTableWidgetItem(QString::number(s.recommendations)));
      m_sources->setItem(r, 3, new QTableWidgetItem(qs(s.origin)));
    }
    for (auto& r : tmf::study_raters(*m_ds, st.id)) m_raters->addItem(qs(r.name));
    const int i = m_raters->findText(current);
    if (i >= 0) m_raters->setCurrentIndex(i);
  } catch (const std::exception& e) {
    fail(tr("Cannot read the study"), e);
  }
  refreshResults();
}

bool RatingsPanel::createStudy(const QString& name, int sequences, quint64 seed, const QStringList& raters,
                               const QString& split, const QString& candidates) {
  if (!m_ds) return fail(tr("Cannot create the study"), tmf::Error("no dataset is open"));
  try {
    tmf::RatingStudySpec spec;
    spec.name = ss(name);
    spec.n_sequences = sequences;
    spec.seed = seed;
    spec.split = ss(split);
    spec.candidates = ss(candidates);
    for (const QString& r : raters) spec.raters.push_back(ss(r));
    tmf::create_study(*m_ds, spec);
  } catch (const std::exception& e) {
    return fail(tr("Cannot create the study"), e);
  }
  setStatus(tr("Study '%1' created; add two or more sources").arg(name));
  refreshStudies(name);
  return true;
}

bool RatingsPanel::addRater(const QString& name) {
  try {
    if (!m_ds || currentStudy().isEmpty()) throw tmf::Error("create or choose a study first");
    tmf::add_rater(*m_ds, tmf::find_study(*m_ds, ss(currentStudy())).id, ss(name));
  } catch (const std::exception& e) {
    return fail(tr("Cannot add the rater"), e);
  }
  refreshStudy();
  m_raters->setCurrentIndex(m_raters->findText(name.trimmed()));
  return true;
}

bool RatingsPanel::addCsvSource(const QString& name, const QString& csvPath, const QString& kind) {
  try {
    if (!m_ds || currentStudy().isEmpty()) throw tmf::Error("create or choose a study first");
    const int64_t id = tmf::find_study(*m_ds, ss(currentStudy())).id;
    auto r = tmf::read_recommendations_csv(*m_ds, id, ss(csvPath));
    tmf::add_source(*m_ds, id, ss(name), ss(kind), ss(csvPath), r.recs);
    setStatus(tr("Source '%1': %2 recommendations (%3 sampled sequences not covered, %4 rows ignored)")
                  .arg(name).arg(r.recs.size()).arg(r.missing).arg(r.ignored_rows));
  } catch (const std::exception& e) {
    return fail(tr("Cannot add the source"), e);
  }
  refreshStudy();
  return true;
}

bool RatingsPanel::addTmfSource(const QString& name, const QString& packageDir) {
  if (m_runner->busy()) return fail(tr("Cannot add the source"), tr("another source is being produced"));
  if (!m_runner->hasRecommender()) return fail(tr("Cannot add the source"), tr("this program has no TMF inference"));
  int64_t study = 0;
  try {
    if (!m_ds || currentStudy().isEmpty()) throw tmf::Error("create or choose a study first");
    study = tmf::find_study(*m_ds, ss(currentStudy())).id;
  } catch (const std::exception& e) {
    return fail(tr("Cannot add the source"), e);
  }
  m_progress->setRange(0, 0);
  m_progress->setVisible(true);
  m_cancelButton->setVisible(true);
  m_addTmf->setEnabled(false);
  setStatus(tr("Producing recommendations of '%1'…").arg(name));
  m_runner->start(m_path, study, packageDir, name);
  return true;
}

bool RatingsPanel::importRatings(const QString& csvPath, bool overwrite, QString* report) {
  return m_results->importRatings(csvPath, overwrite, report);
}
bool RatingsPanel::addResultsDataset(const QString& path) { return m_results->addDataset(path); }
void RatingsPanel::refreshResults() { m_results->setStudy(m_ds.get(), m_path, currentStudy()); }
bool RatingsPanel::exportResults(const QString& path) { return m_results->exportResults(path); }
bool RatingsPanel::exportRatings(const QString& path) { return m_results->exportRatings(path); }
bool RatingsPanel::exportChart(const QString& path) { return m_results->exportChart(path); }

RaterWindow* RatingsPanel::startRating(const QString& rater) {
  auto* w = new RaterWindow;
  w->setAttribute(Qt::WA_DeleteOnClose);
  if (!w->openSession(m_path, currentStudy(), rater)) {
    const QString err = w->errorString();
    delete w;
    fail(tr("Cannot start rater mode"), tmf::Error(err.toStdString()));
    return nullptr;
  }
  connect(w, &RaterWindow::rated, this, [this] { refreshResults(); });
  return w;
}
