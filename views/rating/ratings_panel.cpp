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
#include <QSaveFile>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QThread>

#include "rating/bubble_chart.h"
#include "rating/rater_window.h"
#include "rating/rating_csv.h"
#include "rating/rating_stats.h"
#include "rating/rating_stats_model.h"
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
  connect(m_cancelButton, &QPushButton::clicked, this, [this] { m_cancel = true; });

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
  auto* results = new QGroupBox(tr("Results (Table 4, Fig. 5)"), split);
  auto* rv = new QVBoxLayout(results);
  auto* rbuttons = new QHBoxLayout;
  m_datasetsLabel = new QLabel(results);
  auto* addDs = new QPushButton(tr("Add dataset…"), results);
  auto* refresh = new QPushButton(tr("Refresh"), results);
  auto* imp = new QPushButton(tr("Import ratings…"), results);
  auto* expRes = new QPushButton(tr("Export results…"), results);
  auto* expRat = new QPushButton(tr("Export ratings…"), results);
  auto* expChart = new QPushButton(tr("Export chart…"), results);
  rbuttons->addWidget(m_datasetsLabel, 1);
  for (auto* b : {addDs, refresh, imp, expRes, expRat, expChart}) rbuttons->addWidget(b);
  rv->addLayout(rbuttons);
  auto* rsplit = new QSplitter(Qt::Horizontal, results);
  m_model = new RatingStatsModel(this);
  m_table = new QTableView(rsplit);
  m_table->setModel(m_model);
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  m_chart = new BubbleChart(rsplit);
  rv->addWidget(rsplit, 1);
  connect(addDs, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, tr("Dataset with a study of the same name"));
    if (!f.isEmpty()) addResultsDataset(f);
  });
  connect(refresh, &QPushButton::clicked, this, &RatingsPanel::refreshResults);
  connect(imp, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, tr("Ratings CSV"), {}, tr("CSV (*.csv)"));
    if (f.isEmpty()) return;
    const bool overwrite = QMessageBox::question(this, tr("Conflicts"),
                                                 tr("When the file and the dataset disagree on a rating, take the "
                                                    "file's value?\n(No keeps the stored one; every conflict is "
                                                    "reported either way.)")) == QMessageBox::Yes;
    QString report;
    if (importRatings(f, overwrite, &report)) QMessageBox::information(this, tr("Ratings imported"), report);
  });
  connect(expRes, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getSaveFileName(this, tr("Export results"), QStringLiteral("table4.csv"),
                                                   tr("CSV (*.csv);;JSON (*.json)"));
    if (!f.isEmpty()) exportResults(f);
  });
  connect(expRat, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getSaveFileName(this, tr("Export ratings"), QStringLiteral("ratings.csv"), tr("CSV (*.csv)"));
    if (!f.isEmpty()) exportRatings(f);
  });
  connect(expChart, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getSaveFileName(this, tr("Export chart"), QStringLiteral("ratings.svg"),
                                                   tr("SVG (*.svg);;PNG (*.png)"));
    if (!f.isEmpty()) exportChart(f);
  });
  split->addWidget(setup);
  split->addWidget(results);

  m_status = new QLabel(this);
  m_status->setWordWrap(true);
  outer->addWidget(m_status);
  setTmfRecommender({});
  setEnabled(false);
}

RatingsPanel::~RatingsPanel() {
  if (m_worker) {
    m_cancel = true;
    m_worker->wait();
  }
}

void RatingsPanel::setTmfRecommender(TmfRecommender fn) {
  m_recommender = std::move(fn);
  m_addTmf->setEnabled(bool(m_recommender));
  m_addTmf->setToolTip(m_recommender ? tr("Recommend with a TMF model package (constrained decoding over the "
                                          "study's candidate sets)")
                                     : tr("This program has no TMF inference; use `tmf rate add-source --tmf DIR`"));
}

bool RatingsPanel::fail(const QString& what, const std::exception& e) {
  m_error = QStringLiteral("%1: %2").arg(what, QString::fromStdString(e.what()));
  setStatus(m_error, true);
  if (m_interactive) QMessageBox::warning(this, what, QString::fromStdString(e.what()));
  return false;
}

void RatingsPanel::setStatus(const QString& text, bool error) {
  m_status->setText(text);
  m_status->setStyleSheet(error ? QStringLiteral("color: #b00020") : QString());
}

void RatingsPanel::setDataset(const QString& path) {
  if (m_worker) {
    m_cancel = true;
    m_worker->wait();
  }
  m_ds.reset();
  m_path.clear();
  m_extraDatasets.clear();
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
  if (m_worker) return fail(tr("Cannot add the source"), tmf::Error("another source is being produced"));
  if (!m_recommender) return fail(tr("Cannot add the source"), tmf::Error("this program has no TMF inference"));
  int64_t study = 0;
  try {
    if (!m_ds || currentStudy().isEmpty()) throw tmf::Error("create or choose a study first");
    study = tmf::find_study(*m_ds, ss(currentStudy())).id;
  } catch (const std::exception& e) {
    return fail(tr("Cannot add the source"), e);
  }
  m_cancel = false;
  m_progress->setRange(0, 0);
  m_progress->setVisible(true);
  m_cancelButton->setVisible(true);
  m_addTmf->setEnabled(false);
  setStatus(tr("Producing recommendations of '%1'…").arg(name));
  const std::string path = ss(m_path), dir = ss(packageDir), src = ss(name);
  TmfRecommender fn = m_recommender;
  QPointer<RatingsPanel> self(this);
  m_worker = QThread::create([this, self, path, dir, src, study, fn] {
    QString message;
    bool ok = false;
    try {
      tmf::Dataset ds = tmf::Dataset::open(path);  // the worker's own connection
      tmf::Progress progress;
      progress.cancel = &m_cancel;
      progress.callback = [self](const tmf::ProgressEvent& ev) {
        const int done = int(ev.done), total = int(ev.total);
        QMetaObject::invokeMethod(self, [self, done, total] {
          if (!self) return;
          self->m_progress->setRange(0, total);
          self->m_progress->setValue(done);
        }, Qt::QueuedConnection);
      };
      auto recs = fn(ds, study, dir, progress);
      tmf::add_source(ds, study, src, "tmf", dir, recs);
      ok = true;
      message = QStringLiteral("Source '%1': %2 recommendations").arg(QString::fromStdString(src)).arg(recs.size());
    } catch (const tmf::Cancelled&) {
      message = QStringLiteral("cancelled; nothing was stored");
    } catch (const std::exception& e) {
      message = QString::fromStdString(e.what());
    }
    QMetaObject::invokeMethod(self, [self, ok, message] {
      if (!self) return;
      self->m_worker->wait();
      self->m_worker->deleteLater();
      self->m_worker = nullptr;
      self->m_progress->setVisible(false);
      self->m_cancelButton->setVisible(false);
      self->m_addTmf->setEnabled(bool(self->m_recommender));
      if (ok) {
        self->setStatus(message);
        self->refreshStudy();
      } else {
        self->fail(tr("Cannot add the TMF source"), tmf::Error(message.toStdString()));
      }
      Q_EMIT self->tmfSourceDone(ok, message);
    }, Qt::QueuedConnection);
  });
  m_worker->setParent(this);
  m_worker->start();
  return true;
}

bool RatingsPanel::importRatings(const QString& csvPath, bool overwrite, QString* report) {
  try {
    if (!m_ds || currentStudy().isEmpty()) throw tmf::Error("create or choose a study first");
    auto rep = tmf::import_ratings_csv(*m_ds, ss(currentStudy()), ss(csvPath), overwrite);
    if (report) *report = qs(rep.summary());
    setStatus(qs(rep.summary()).section('\n', 0, 0));
  } catch (const std::exception& e) {
    return fail(tr("Cannot import ratings"), e);
  }
  refreshStudy();
  return true;
}

bool RatingsPanel::addResultsDataset(const QString& path) {
  try {
    tmf::Dataset other = tmf::Dataset::open(ss(path));
    tmf::find_study(other, ss(currentStudy()));  // must hold the same study
  } catch (const std::exception& e) {
    return fail(tr("Cannot add the dataset"), e);
  }
  if (!m_extraDatasets.contains(path) && path != m_path) m_extraDatasets << path;
  refreshResults();
  return true;
}

void RatingsPanel::refreshResults() {
  std::vector<tmf::SourceRatingStats> rows;
  if (m_ds && !currentStudy().isEmpty()) {
    try {
      rows = tmf::rating_stats(*m_ds, ss(currentStudy()));
      for (const QString& p : m_extraDatasets) {
        tmf::Dataset other = tmf::Dataset::open(ss(p));
        for (auto& r : tmf::rating_stats(other, ss(currentStudy()))) rows.push_back(r);
      }
    } catch (const std::exception& e) {
      fail(tr("Cannot compute the results"), e);
    }
  }
  m_datasetsLabel->setText(tr("%n dataset file(s)", nullptr, m_ds ? 1 + int(m_extraDatasets.size()) : 0));
  m_model->setRows(rows);
  m_chart->setRows(rows);
}

bool RatingsPanel::exportResults(const QString& path) {
  try {
    const auto& rows = m_model->rows();
    tmf::write_file_atomic(ss(path), path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive)
                                         ? tmf::stats_json(rows).dump(2) + "\n"
                                         : tmf::stats_csv(rows));
  } catch (const std::exception& e) {
    return fail(tr("Cannot export the results"), e);
  }
  setStatus(tr("Results written to %1").arg(path));
  return true;
}

bool RatingsPanel::exportRatings(const QString& path) {
  try {
    if (!m_ds || currentStudy().isEmpty()) throw tmf::Error("create or choose a study first");
    std::string all = tmf::ratings_csv(*m_ds, ss(currentStudy()));
    for (const QString& p : m_extraDatasets) {
      tmf::Dataset other = tmf::Dataset::open(ss(p));
      std::string csv = tmf::ratings_csv(other, ss(currentStudy()));
      all += csv.substr(csv.find('\n') + 1);
    }
    tmf::write_file_atomic(ss(path), all);
  } catch (const std::exception& e) {
    return fail(tr("Cannot export the ratings"), e);
  }
  setStatus(tr("Ratings written to %1").arg(path));
  return true;
}

bool RatingsPanel::exportChart(const QString& path) {
  const bool svg = path.endsWith(QStringLiteral(".svg"), Qt::CaseInsensitive);
  const bool ok = svg ? m_chart->saveSvg(path) : m_chart->savePng(path);
  if (!ok) return fail(tr("Cannot export the chart"), tmf::Error("cannot write '" + ss(path) + "'"));
  setStatus(tr("Chart written to %1").arg(path));
  return true;
}

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
