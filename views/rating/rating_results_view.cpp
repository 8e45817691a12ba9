#include "rating/rating_results_view.h"

#include <QBoxLayout>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <exception>

#include "data/dataset.h"
#include "rating/bubble_chart.h"
#include "rating/rating_csv.h"
#include "rating/rating_stats.h"
#include "rating/rating_stats_model.h"
#include "rating/rating_study.h"
#include "util/error.h"
#include "util/strings.h"

namespace {
QString qs(const std::string& s) { return QString::fromStdString(s); }
std::string ss(const QString& s) { return s.toStdString(); }
}  // namespace

RatingResultsView::RatingResultsView(QWidget* parent) : QGroupBox(tr("Results (Table 4, Fig. 5)"), parent) {
  auto* rv = new QVBoxLayout(this);
  auto* rbuttons = new QHBoxLayout;
  m_datasetsLabel = new QLabel(this);
  auto* addDs = new QPushButton(tr("Add dataset…"), this);
  auto* refreshButton = new QPushButton(tr("Refresh"), this);
  auto* imp = new QPushButton(tr("Import ratings…"), this);
  auto* expRes = new QPushButton(tr("Export results…"), this);
  auto* expRat = new QPushButton(tr("Export ratings…"), this);
  auto* expChart = new QPushButton(tr("Export chart…"), this);
  rbuttons->addWidget(m_datasetsLabel, 1);
  for (auto* b : {addDs, refreshButton, imp, expRes, expRat, expChart}) rbuttons->addWidget(b);
  rv->addLayout(rbuttons);
  auto* rsplit = new QSplitter(Qt::Horizontal, this);
  m_model = new RatingStatsModel(this);
  m_table = new QTableView(rsplit);
  m_table->setModel(m_model);
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  m_chart = new BubbleChart(rsplit);
  rv->addWidget(rsplit, 1);
  connect(addDs, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, tr("Dataset with a study of the same name"));
    if (!f.isEmpty()) addDataset(f);
  });
  connect(refreshButton, &QPushButton::clicked, this, &RatingResultsView::refresh);
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
}

bool RatingResultsView::fail(const QString& what, const std::exception& e) {
  Q_EMIT failed(what, QString::fromStdString(e.what()));
  return false;
}

void RatingResultsView::setStudy(tmf::Dataset* ds, const QString& path, const QString& study) {
  m_ds = ds;
  m_path = path;
  m_study = study;
  refresh();
}

void RatingResultsView::clearDatasets() { m_extraDatasets.clear(); }

bool RatingResultsView::addDataset(const QString& path) {
  try {
    tmf::Dataset other = tmf::Dataset::open(ss(path));
    tmf::find_study(other, ss(m_study));  // must hold the same study
  } catch (const std::exception& e) {
    return fail(tr("Cannot add the dataset"), e);
  }
  if (!m_extraDatasets.contains(path) && path != m_path) m_extraDatasets << path;
  refresh();
  return true;
}

void RatingResultsView::refresh() {
  std::vector<tmf::SourceRatingStats> rows;
  if (m_ds && !m_study.isEmpty()) {
    try {
      rows = tmf::rating_stats(*m_ds, ss(m_study));
      for (const QString& p : m_extraDatasets) {
        tmf::Dataset other = tmf::Dataset::open(ss(p));
        for (auto& r : tmf::rating_stats(other, ss(m_study))) rows.push_back(r);
      }
    } catch (const std::exception& e) {
      fail(tr("Cannot compute the results"), e);
    }
  }
  m_datasetsLabel->setText(tr("%n dataset file(s)", nullptr, m_ds ? 1 + int(m_extraDatasets.size()) : 0));
  m_model->setRows(rows);
  m_chart->setRows(rows);
}

bool RatingResultsView::importRatings(const QString& csvPath, bool overwrite, QString* report) {
  try {
    if (!m_ds || m_study.isEmpty()) throw tmf::Error("create or choose a study first");
    auto rep = tmf::import_ratings_csv(*m_ds, ss(m_study), ss(csvPath), overwrite);
    if (report) *report = qs(rep.summary());
    Q_EMIT statusMessage(qs(rep.summary()).section('\n', 0, 0));
  } catch (const std::exception& e) {
    return fail(tr("Cannot import ratings"), e);
  }
  Q_EMIT ratingsImported();
  return true;
}

bool RatingResultsView::exportResults(const QString& path) {
  try {
    const auto& rows = m_model->rows();
    tmf::write_file_atomic(ss(path), path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive)
                                         ? tmf::stats_json(rows).dump(2) + "\n"
                                         : tmf::stats_csv(rows));
  } catch (const std::exception& e) {
    return fail(tr("Cannot export the results"), e);
  }
  Q_EMIT statusMessage(tr("Results written to %1").arg(path));
  return true;
}

bool RatingResultsView::exportRatings(const QString& path) {
  try {
    if (!m_ds || m_study.isEmpty()) throw tmf::Error("create or choose a study first");
    std::string all = tmf::ratings_csv(*m_ds, ss(m_study));
    for (const QString& p : m_extraDatasets) {
      tmf::Dataset other = tmf::Dataset::open(ss(p));
      std::string csv = tmf::ratings_csv(other, ss(m_study));
      all += csv.substr(csv.find('\n') + 1);
    }
    tmf::write_file_atomic(ss(path), all);
  } catch (const std::exception& e) {
    return fail(tr("Cannot export the ratings"), e);
  }
  Q_EMIT statusMessage(tr("Ratings written to %1").arg(path));
  return true;
}

bool RatingResultsView::exportChart(const QString& path) {
  const bool svg = path.endsWith(QStringLiteral(".svg"), Qt::CaseInsensitive);
  const bool ok = svg ? m_chart->saveSvg(path) : m_chart->savePng(path);
  if (!ok) return fail(tr("Cannot export the chart"), tmf::Error("cannot write '" + ss(path) + "'"));
  Q_EMIT statusMessage(tr("Chart written to %1").arg(path));
  return true;
}
