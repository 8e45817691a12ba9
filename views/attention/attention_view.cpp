#include "attention/attention_view.h"

#include <algorithm>

#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QSaveFile>
#include <QStackedWidget>
#include <QSvgGenerator>
#include <QTextStream>
#include <QVBoxLayout>
#include <cmath>

AttentionView::AttentionView(QWidget* parent) : QWidget(parent) {
  m_caption = new QLabel;
  m_caption->setWordWrap(true);
  m_mapCombo = new QComboBox;
  m_headCombo = new QComboBox;
  auto* png = new QPushButton(tr("PNG…"));
  auto* svg = new QPushButton(tr("SVG…"));
  auto* csv = new QPushButton(tr("CSV…"));
  png->setToolTip(tr("Export the picture as PNG"));
  svg->setToolTip(tr("Export the picture as SVG"));
  csv->setToolTip(tr("Export every head of every map as CSV"));
  auto* bar = new QHBoxLayout;
  bar->addWidget(new QLabel(tr("Map")));
  bar->addWidget(m_mapCombo, 1);
  bar->addWidget(new QLabel(tr("Head")));
  bar->addWidget(m_headCombo);
  bar->addWidget(png);
  bar->addWidget(svg);
  bar->addWidget(csv);
  m_heatmap = new HeatmapWidget;
  m_heatmap->setObjectName(QStringLiteral("heatmap"));
  m_grid = new QWidget;
  m_gridLayout = new QGridLayout(m_grid);
  m_gridLayout->setContentsMargins(0, 0, 0, 0);
  m_stack = new QStackedWidget;
  m_stack->addWidget(m_heatmap);
  m_stack->addWidget(m_grid);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_caption);
  layout->addLayout(bar);
  layout->addWidget(m_stack, 1);
  connect(m_mapCombo, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
    rebuildHeadCombo();
    refresh();
  });
  connect(m_headCombo, qOverload<int>(&QComboBox::currentIndexChanged), this, &AttentionView::refresh);
  connect(m_heatmap, &HeatmapWidget::cellClicked, this, &AttentionView::stepsSelected);
  connect(png, &QPushButton::clicked, this, [this] { askExport(QStringLiteral("png")); });
  connect(svg, &QPushButton::clicked, this, [this] { askExport(QStringLiteral("svg")); });
  connect(csv, &QPushButton::clicked, this, [this] { askExport(QStringLiteral("csv")); });
  clear(tr("Run the model to see its attention."));
}

QString AttentionView::mapTitle(const std::string& name) {
  if (name == "amsa") return tr("AMSA W_att (step × step, Eq. 6)");
  if (name == "cma_ext") return tr("CMA W_ext (behavior+text → step, Eq. 7)");
  if (name == "cma_img") return tr("CMA W_image (image → step, Eq. 8)");
  return QString::fromStdString(name);
}

QStringList AttentionView::mapNames() const {
  QStringList out;
  for (const auto& m : m_maps) out << QString::fromStdString(m.name);
  return out;
}

void AttentionView::clear(const QString& why) {
  m_maps.clear();
  m_steps.clear();
  m_caption->setText(why);
  const QSignalBlocker b1(m_mapCombo), b2(m_headCombo);
  m_mapCombo->clear();
  m_headCombo->clear();
  m_heatmap->clear();
  m_stack->setCurrentWidget(m_heatmap);
}

void AttentionView::setResult(const tmf::InferenceResult& result, const QVector<HeatmapAxisLabel>& steps,
                              const QString& caption) {
  const int keepMap = m_mapCombo->currentIndex(), keepHead = m_headCombo->currentIndex();
  m_maps = result.attention;
  // The model's prompt keeps the last steps of a long sequence: the maps cover those.
  const int offset = int(std::min<int64_t>(result.history_offset, steps.size()));
  m_steps = steps.mid(offset);
  QString text = caption;
  if (m_maps.empty())
    text += QStringLiteral(" — ") + tr("this model level (%1) has no fusion attention").arg(QString::fromStdString(result.level));
  else if (offset > 0)
    text += QStringLiteral(" — ") + tr("the model sees the last %1 of %2 steps").arg(steps.size() - offset).arg(steps.size());
  m_caption->setText(text);
  {
    const QSignalBlocker b(m_mapCombo);
    m_mapCombo->clear();
    for (const auto& m : m_maps) m_mapCombo->addItem(mapTitle(m.name), QString::fromStdString(m.name));
    if (keepMap >= 0 && keepMap < m_mapCombo->count()) m_mapCombo->setCurrentIndex(keepMap);
  }
  rebuildHeadCombo();
  if (keepHead >= 0 && keepHead < m_headCombo->count()) {
    const QSignalBlocker b(m_headCombo);
    m_headCombo->setCurrentIndex(keepHead);
  }
  refresh();
}

void AttentionView::rebuildHeadCombo() {
  const QSignalBlocker b(m_headCombo);
  const int keep = m_headCombo->currentIndex();
  m_headCombo->clear();
  const int i = m_mapCombo->currentIndex();
  if (i < 0 || i >= int(m_maps.size())) return;
  m_headCombo->addItem(tr("Mean of heads"), -1);
  for (int h = 0; h < int(m_maps[size_t(i)].heads); ++h) m_headCombo->addItem(tr("Head %1").arg(h + 1), h);
  if (m_maps[size_t(i)].heads > 1) m_headCombo->addItem(tr("All heads"), -2);
  m_headCombo->setCurrentIndex(keep >= 0 && keep < m_headCombo->count() ? keep : 0);
}

int AttentionView::mapIndex() const { return m_mapCombo->currentIndex(); }
int AttentionView::head() const { return m_headCombo->currentIndex() < 0 ? -1 : m_headCombo->currentData().toInt(); }

void AttentionView::showMap(int mapIndex, int head) {
  if (mapIndex < 0 || mapIndex >= m_mapCombo->count()) return;
  m_mapCombo->setCurrentIndex(mapIndex);
  const int i = m_headCombo->findData(head);
  if (i >= 0) m_headCombo->setCurrentIndex(i);
  refresh();
}

void AttentionView::refresh() {
  const int i = m_mapCombo->currentIndex();
  if (i < 0 || i >= int(m_maps.size())) {
    m_heatmap->clear();
    m_stack->setCurrentWidget(m_heatmap);
    return;
  }
  const tmf::AttentionMap& m = m_maps[size_t(i)];
  const int h = head();
  const QString title = mapTitle(m.name);
  // The rows and columns are history steps; a map with another size gets numbered labels.
  QVector<HeatmapAxisLabel> rows = m.rows == m_steps.size() ? m_steps : QVector<HeatmapAxisLabel>();
  QVector<HeatmapAxisLabel> cols = m.cols == m_steps.size() ? m_steps : QVector<HeatmapAxisLabel>();
  auto headMatrix = [&](int head) {
    std::vector<float> v(size_t(m.rows * m.cols));
    for (int64_t r = 0; r < m.rows; ++r)
      for (int64_t c = 0; c < m.cols; ++c) v[size_t(r * m.cols + c)] = m.at(head, r, c);
    return v;
  };
  if (h == -2) {
    for (HeatmapWidget* w : m_headMaps) w->deleteLater();
    m_headMaps.clear();
    const int per = int(std::ceil(std::sqrt(double(m.heads))));
    for (int k = 0; k < int(m.heads); ++k) {
      auto* w = new HeatmapWidget;
      w->setValueRange(0, 1);
      w->setMatrix(int(m.rows), int(m.cols), headMatrix(k), tr("Head %1").arg(k + 1));
      w->setAxisLabels(rows, cols);
      connect(w, &HeatmapWidget::cellClicked, this, &AttentionView::stepsSelected);
      m_gridLayout->addWidget(w, k / per, k % per);
      m_headMaps << w;
    }
    m_stack->setCurrentWidget(m_grid);
    return;
  }
  m_heatmap->setMatrix(int(m.rows), int(m.cols), h < 0 ? m.head_mean() : headMatrix(h),
                       h < 0 ? tr("%1 — mean of %2 heads").arg(title).arg(m.heads)
                             : tr("%1 — head %2 of %3").arg(title).arg(h + 1).arg(m.heads));
  m_heatmap->setAxisLabels(rows, cols);
  m_stack->setCurrentWidget(m_heatmap);
}

QWidget* AttentionView::currentPicture() const { return m_stack->currentWidget(); }

bool AttentionView::exportPng(const QString& path, QString* error) const {
  if (m_stack->currentWidget() == m_heatmap) return m_heatmap->exportPng(path, error);
  if (m_grid->grab().save(path, "PNG")) return true;
  if (error) *error = tr("Cannot write the PNG file '%1'.").arg(path);
  return false;
}

bool AttentionView::exportSvg(const QString& path, QString* error) const {
  if (m_stack->currentWidget() == m_heatmap) return m_heatmap->exportSvg(path, error);
  QSvgGenerator gen;
  gen.setFileName(path);
  gen.setSize(m_grid->size());
  gen.setViewBox(m_grid->rect());
  QPainter p;
  if (!p.begin(&gen)) {
    if (error) *error = tr("Cannot write the SVG file '%1'.").arg(path);
    return false;
  }
  for (HeatmapWidget* w : m_headMaps) {
    p.save();
    p.translate(w->pos());
    w->render(p, w->size());
    p.restore();
  }
  p.end();
  return true;
}

bool AttentionView::exportCsv(const QString& path, QString* error) const {
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) {
    if (error) *error = tr("Cannot write '%1': %2").arg(path, f.errorString());
    return false;
  }
  QTextStream out(&f);
  auto name = [&](int64_t i) {
    QString s = i < m_steps.size() ? m_steps[int(i)].name : QString();
    s.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + s + QLatin1Char('"');
  };
  out << "map,head,row,col,row_item,col_item,weight\n";
  for (const auto& m : m_maps) {
    const std::vector<float> mean = m.head_mean();
    for (int64_t h = -1; h < m.heads; ++h)
      for (int64_t r = 0; r < m.rows; ++r)
        for (int64_t c = 0; c < m.cols; ++c)
          out << QString::fromStdString(m.name) << ',' << (h < 0 ? QStringLiteral("mean") : QString::number(h + 1))
              << ',' << r + 1 << ',' << c + 1 << ',' << name(r) << ',' << name(c) << ','
              << QString::number(double(h < 0 ? mean[size_t(r * m.cols + c)] : m.at(h, r, c)), 'g', 8) << '\n';
  }
  out.flush();
  if (f.commit()) return true;
  if (error) *error = tr("Cannot write '%1': %2").arg(path, f.errorString());
  return false;
}

void AttentionView::askExport(const QString& kind) {
  if (m_maps.empty()) {
    QMessageBox::information(this, tr("Export"), tr("There is no attention map to export yet."));
    return;
  }
  const QString filter = kind == QLatin1String("png")   ? tr("PNG images (*.png)")
                         : kind == QLatin1String("svg") ? tr("SVG pictures (*.svg)")
                                                        : tr("CSV tables (*.csv)");
  QString path = QFileDialog::getSaveFileName(this, tr("Export attention"), QStringLiteral("attention.") + kind, filter);
  if (path.isEmpty()) return;
  QString error;
  const bool ok = kind == QLatin1String("png")   ? exportPng(path, &error)
                  : kind == QLatin1String("svg") ? exportSvg(path, &error)
                                                 : exportCsv(path, &error);
  if (!ok) QMessageBox::warning(this, tr("Export failed"), error);
}
