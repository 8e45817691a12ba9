#include "experiments/experiments_panel.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChartView>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QValueAxis>
#include <QVBoxLayout>
#include <set>

#include "background.h"
#include "data/dataset.h"
#include "loaded_dataset.h"
#include "viridis.h"

ExperimentsPanel::ExperimentsPanel(QWidget* parent) : QWidget(parent) {
  m_table2 = new ExperimentTableModel(this);
  m_table3 = new ExperimentTableModel(this);
  m_hit2 = new QChartView;
  m_valid2 = new QChartView;
  m_hit3 = new QChartView;
  m_valid3 = new QChartView;
  for (QChartView* v : {m_hit2, m_valid2, m_hit3, m_valid3}) {
    v->setRenderHint(QPainter::Antialiasing);
    v->setMinimumHeight(200);
  }
  m_part = new QComboBox;
  m_part->addItem(tr("test part"), QStringLiteral("test"));
  m_part->addItem(tr("validation part"), QStringLiteral("valid"));
  auto* add = new QPushButton(tr("Add dataset file…"));
  auto* reloadButton = new QPushButton(tr("Reload"));
  auto* csv = new QPushButton(tr("Export CSV…"));
  auto* png = new QPushButton(tr("Export charts PNG…"));
  m_status = new QLabel;
  auto* bar = new QHBoxLayout;
  bar->addWidget(m_part);
  bar->addWidget(add);
  bar->addWidget(reloadButton);
  bar->addWidget(m_status, 1);
  bar->addWidget(csv);
  bar->addWidget(png);
  m_tabs = new QTabWidget;
  m_tabs->addTab(page(PaperTable::Table2), tr("Table 2: TMF and baselines"));
  m_tabs->addTab(page(PaperTable::Table3), tr("Table 3: ablation"));
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(bar);
  layout->addWidget(m_tabs, 1);

  connect(m_part, &QComboBox::currentIndexChanged, this, &ExperimentsPanel::rebuild);
  connect(reloadButton, &QPushButton::clicked, this, &ExperimentsPanel::reload);
  connect(add, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Add a dataset's runs"), QString(),
                                                      tr("TMF datasets (*.tmfdb);;All files (*)"));
    if (!path.isEmpty()) addDatasetFile(path);
  });
  const auto currentTable = [this] { return m_tabs->currentIndex() == 0 ? PaperTable::Table2 : PaperTable::Table3; };
  connect(csv, &QPushButton::clicked, this, [this, currentTable] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export table"), QStringLiteral("table.csv"), tr("CSV (*.csv)"));
    QString error;
    if (!path.isEmpty() && !exportCsv(currentTable(), path, &error)) QMessageBox::warning(this, tr("Export failed"), error);
  });
  connect(png, &QPushButton::clicked, this, [this, currentTable] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export charts"), QStringLiteral("charts.png"), tr("PNG (*.png)"));
    QString error;
    if (!path.isEmpty() && !exportChartPng(currentTable(), path, &error)) QMessageBox::warning(this, tr("Export failed"), error);
  });
  rebuild();
}

QWidget* ExperimentsPanel::page(PaperTable t) {
  auto* view = new QTableView;
  view->setModel(table(t));
  view->horizontalHeader()->setStretchLastSection(true);
  view->setSortingEnabled(false);
  auto* charts = new QSplitter;
  charts->addWidget(chart(t, false));
  charts->addWidget(chart(t, true));
  auto* split = new QSplitter(Qt::Vertical);
  split->addWidget(view);
  split->addWidget(charts);
  split->setStretchFactor(1, 2);
  return split;
}

QChartView* ExperimentsPanel::chart(PaperTable t, bool validRatio) const {
  if (t == PaperTable::Table2) return validRatio ? m_valid2 : m_hit2;
  return validRatio ? m_valid3 : m_hit3;
}

void ExperimentsPanel::setDataset(std::shared_ptr<LoadedDataset> dataset) {
  if (m_dataset) m_runs.erase(m_dataset->name());
  m_dataset = std::move(dataset);
  reload();
}

void ExperimentsPanel::setRuns(const QString& dataset, std::vector<tmf::EvalRun> runs) {
  m_runs[dataset] = std::move(runs);
  rebuild();
}

void ExperimentsPanel::reload() {
  QStringList files = m_extraFiles;
  if (m_dataset) files.prepend(m_dataset->path);
  for (const QString& f : files) addDatasetFile(f);
  if (files.isEmpty()) rebuild();
}

void ExperimentsPanel::addDatasetFile(const QString& path) {
  if (!m_extraFiles.contains(path) && (!m_dataset || m_dataset->path != path)) m_extraFiles << path;
  m_status->setText(tr("Reading runs from %1…").arg(QFileInfo(path).fileName()));
  using Loaded = std::pair<QString, std::vector<tmf::EvalRun>>;
  runInBackground<Loaded>(
      this,
      [path] {
        tmf::Dataset ds = tmf::Dataset::open(path.toStdString(), /*read_only=*/true);
        return Loaded(QString::fromStdString(ds.name()), tmf::list_eval_runs(ds));
      },
      [this](std::shared_ptr<Loaded> r) {
        setRuns(r->first, std::move(r->second));
        Q_EMIT runsLoaded();
      },
      [this, path](const QString& error) {
        m_extraFiles.removeAll(path);
        m_status->setText(tr("Cannot read %1").arg(QFileInfo(path).fileName()));
        if (!quietErrors) QMessageBox::warning(this, tr("Cannot read runs"), tr("'%1': %2").arg(path, error));
        Q_EMIT runsLoaded();
      });
}

void ExperimentsPanel::rebuild() {
  const QString part = m_part->currentData().toString();
  std::vector<ExperimentRow> t2, t3;
  size_t runs = 0;
  for (const auto& [name, list] : m_runs) {
    runs += list.size();
    for (auto& r : aggregateRuns(name, list, PaperTable::Table2, part)) t2.push_back(r);
    for (auto& r : aggregateRuns(name, list, PaperTable::Table3, part)) t3.push_back(r);
  }
  m_table2->setRows(t2);
  m_table3->setRows(t3);
  m_status->setText(runs ? tr("%1 stored runs in %2 dataset(s)").arg(runs).arg(m_runs.size())
                         : tr("No stored evaluation runs: run `tmf eval` or `tmf ablate` on this dataset."));
  rebuildChart(m_hit2, m_table2, false, tr("HitRate@1 (Table 2)"));
  rebuildChart(m_valid2, m_table2, true, tr("ValidRatio (Table 2)"));
  rebuildChart(m_hit3, m_table3, false, tr("HitRate@1 by ablation level (Table 3)"));
  rebuildChart(m_valid3, m_table3, true, tr("ValidRatio by ablation level (Table 3)"));
}

void ExperimentsPanel::rebuildChart(QChartView* view, ExperimentTableModel* model, bool validRatio, const QString& title) {
  // Grouped bars: one category per dataset, one bar set per model (or ablation level).
  QStringList datasets, models;
  for (const ExperimentRow& r : model->rows()) {
    if (!datasets.contains(r.dataset)) datasets << r.dataset;
    if (!models.contains(r.model)) models << r.model;
  }
  auto* chart = new QChart;
  chart->setTitle(title);
  auto* series = new QBarSeries;
  for (int m = 0; m < models.size(); ++m) {
    auto* set = new QBarSet(models[m]);
    set->setColor(viridis(models.size() > 1 ? 0.1 + 0.8 * m / (models.size() - 1) : 0.5));
    for (const QString& d : datasets) {
      double v = 0;
      for (const ExperimentRow& r : model->rows())
        if (r.dataset == d && r.model == models[m]) v = validRatio ? r.validMean : r.hitMean;
      *set << v;
    }
    series->append(set);
  }
  chart->addSeries(series);
  auto* x = new QBarCategoryAxis;
  x->append(datasets);
  chart->addAxis(x, Qt::AlignBottom);
  series->attachAxis(x);
  auto* y = new QValueAxis;
  y->setRange(0, 1);
  chart->addAxis(y, Qt::AlignLeft);
  series->attachAxis(y);
  chart->legend()->setAlignment(Qt::AlignBottom);
  view->setChart(chart);
}

bool ExperimentsPanel::exportCsv(PaperTable t, const QString& path, QString* error) const {
  QSaveFile f(path);
  if (f.open(QIODevice::WriteOnly | QIODevice::Text) && f.write(table(t)->toCsv().toUtf8()) >= 0 && f.commit()) return true;
  if (error) *error = tr("Cannot write '%1': %2").arg(path, f.errorString());
  return false;
}

bool ExperimentsPanel::exportChartPng(PaperTable t, const QString& path, QString* error) const {
  QChartView* a = chart(t, false);
  QChartView* b = chart(t, true);
  const QSize s(std::max(a->width(), 480) + std::max(b->width(), 480), std::max({a->height(), b->height(), 320}));
  QImage img(s, QImage::Format_ARGB32_Premultiplied);
  img.fill(Qt::white);
  {
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    a->chart()->scene()->render(&p, QRectF(0, 0, s.width() / 2.0, s.height()));
    b->chart()->scene()->render(&p, QRectF(s.width() / 2.0, 0, s.width() / 2.0, s.height()));
  }
  if (img.save(path, "PNG")) return true;
  if (error) *error = tr("Cannot write the PNG file '%1'.").arg(path);
  return false;
}
