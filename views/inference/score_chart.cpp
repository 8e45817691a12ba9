#include "inference/score_chart.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QHorizontalBarSeries>
#include <QValueAxis>

ScoreChart::ScoreChart(QWidget* parent) : QChartView(parent) {
  setRenderHint(QPainter::Antialiasing);
  setMinimumHeight(160);
  clear();
}

void ScoreChart::clear() {
  auto* chart = new QChart;
  chart->setTitle(tr("Candidate probabilities"));
  chart->legend()->hide();
  setChart(chart);  // the view deletes the previous chart
  m_bars = 0;
}

void ScoreChart::setResult(const tmf::InferenceResult& r) {
  clear();
  if (r.candidate_probs.empty()) {
    chart()->setTitle(tr("No candidate scores in this result"));
    return;
  }
  auto* set = new QBarSet(tr("probability"));
  set->setColor(QColor(0x21, 0x91, 0x8c));  // viridis mid
  QStringList categories;
  // Horizontal bars list bottom-up: add in reverse so candidate 1 is on top.
  for (int i = int(r.candidate_probs.size()) - 1; i >= 0; --i) {
    *set << r.candidate_probs[size_t(i)];
    QString name = i < int(r.candidate_names.size()) ? QString::fromStdString(r.candidate_names[size_t(i)])
                                                     : tr("candidate %1").arg(i + 1);
    if (name.size() > 38) name = name.left(36) + QStringLiteral("…");
    QString mark;
    if (i == r.matched) mark += QStringLiteral(" ◀ answer");
    if (i == r.expected) mark += QStringLiteral(" ★ expected");
    categories << QStringLiteral("%1. %2%3").arg(i + 1).arg(name, mark);
  }
  auto* series = new QHorizontalBarSeries;
  series->append(set);
  connect(set, &QBarSet::hovered, this, [this, r](bool on, int index) {
    const int i = int(r.candidate_probs.size()) - 1 - index;
    if (!on || i < 0) {
      setToolTip({});
      return;
    }
    setToolTip(tr("p = %1, mean log-prob per token = %2")
                   .arg(r.candidate_probs[size_t(i)], 0, 'f', 4)
                   .arg(i < int(r.candidate_scores.size()) ? r.candidate_scores[size_t(i)] : 0.0, 0, 'f', 3));
  });
  chart()->addSeries(series);
  auto* axisY = new QBarCategoryAxis;
  axisY->append(categories);
  chart()->addAxis(axisY, Qt::AlignLeft);
  series->attachAxis(axisY);
  auto* axisX = new QValueAxis;
  axisX->setRange(0, 1);
  axisX->setLabelFormat(QStringLiteral("%.2f"));
  chart()->addAxis(axisX, Qt::AlignBottom);
  series->attachAxis(axisX);
  chart()->setTitle(tr("Candidate probabilities (%1 decoding)").arg(QString::fromUtf8(tmf::decode_mode_name(r.decode))));
  m_bars = int(r.candidate_probs.size());
}
