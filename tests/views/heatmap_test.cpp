// The attention heatmap: viridis scale, a non-trivial picture with axes and legend, exact values
// on hover, click-to-select, exports (PNG, SVG, CSV), the map/head switching of AttentionView and
// the prompt's placeholder highlighting.
#include <gtest/gtest.h>

#include <QApplication>
#include <QFile>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QTest>

#include "attention/attention_view.h"
#include "attention/heatmap_widget.h"
#include "inference/prompt_view.h"
#include "inference/score_chart.h"
#include "viridis.h"
#include "views_test_support.h"

namespace {
tmf::AttentionMap make_map(const std::string& name, int heads, int n) {
  tmf::AttentionMap m;
  m.name = name;
  m.heads = heads;
  m.rows = m.cols = n;
  for (int h = 0; h < heads; ++h)
    for (int r = 0; r < n; ++r) {
      float sum = 0;
      std::vector<float> row(static_cast<size_t>(n));
      for (int c = 0; c < n; ++c) sum += row[size_t(c)] = float(1 + (r + c + h) % n);
      for (float v : row) m.weights.push_back(v / sum);
    }
  return m;
}

QVector<HeatmapAxisLabel> labels(int n) {
  QVector<HeatmapAxisLabel> out;
  for (int i = 0; i < n; ++i) {
    QImage img(24, 24, QImage::Format_RGB32);
    img.fill(QColor::fromHsv(i * 60, 200, 220));
    out << HeatmapAxisLabel{QStringLiteral("Item %1").arg(i + 1), img, {QStringLiteral("view"), i % 3, i == n - 1}};
  }
  return out;
}
}  // namespace

TEST(Heatmap, ViridisEndsAndMiddleMatchTheStandardTable) {
  EXPECT_EQ(viridis(0).name(), QStringLiteral("#440154"));
  EXPECT_EQ(viridis(1).name(), QStringLiteral("#fde725"));
  EXPECT_EQ(viridis(128 / 255.0).name(), QStringLiteral("#21918c"));  // entry 128
  EXPECT_EQ(viridis(64 / 255.0).name(), QStringLiteral("#3b528b"));   // entry 64
  EXPECT_EQ(viridis(-3).name(), viridis(0).name());
  EXPECT_EQ(viridis(std::nan("")).name(), viridis(0).name());
  // Perceptually ordered: luminance grows monotonically along the scale.
  auto luminance = [](const QColor& c) { return 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF(); };
  for (int i = 1; i <= 255; ++i) EXPECT_GT(luminance(viridis(i / 255.0)), luminance(viridis((i - 1) / 255.0)));
}

TEST(Heatmap, PaintsHoversSelectsAndExports) {
  test_app();
  HeatmapWidget w;
  w.resize(520, 440);
  tmf::AttentionMap m = make_map("amsa", 1, 3);
  w.setMatrix(3, 3, m.weights, QStringLiteral("AMSA"));
  w.setAxisLabels(labels(3), labels(3));
  w.show();
  QImage img = w.toImage();
  EXPECT_GT(distinct_colours(img), 20);
  // The centre of cell (r, c) has the viridis colour of its value.
  const QRectF cell = w.cellRect(1, 2);
  const double t = (w.value(1, 2) - w.rangeLow()) / (w.rangeHigh() - w.rangeLow());
  const QColor expect = viridis(t);
  const QColor got = img.pixelColor(cell.center().toPoint());
  EXPECT_NEAR(got.red(), expect.red(), 2);
  EXPECT_NEAR(got.green(), expect.green(), 2);
  EXPECT_NEAR(got.blue(), expect.blue(), 2);
  // Hover and click.
  EXPECT_EQ(w.cellAt(cell.center()), QPoint(1, 2));
  EXPECT_EQ(w.cellAt(QPointF(1, 1)), QPoint(-1, -1));
  EXPECT_TRUE(w.cellText(1, 2).contains(QString::number(double(w.value(1, 2)), 'f', 6)));
  QSignalSpy hovered(&w, &HeatmapWidget::cellHovered);
  QSignalSpy clicked(&w, &HeatmapWidget::cellClicked);
  QTest::mouseMove(&w, cell.center().toPoint());
  QMouseEvent move(QEvent::MouseMove, cell.center(), w.mapToGlobal(cell.center()), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
  QApplication::sendEvent(&w, &move);
  EXPECT_GE(hovered.count(), 1);
  QTest::mouseClick(&w, Qt::LeftButton, Qt::NoModifier, cell.center().toPoint());
  ASSERT_EQ(clicked.count(), 1);
  EXPECT_EQ(w.selectedCell(), QPoint(1, 2));
  EXPECT_NE(w.toImage(), img);  // the selection is drawn
  // Exports.
  const std::string dir = test_dir("heatmap");
  QString error;
  const QString png = QString::fromStdString(dir + "/a.png"), svg = QString::fromStdString(dir + "/a.svg"),
                csv = QString::fromStdString(dir + "/a.csv");
  ASSERT_TRUE(w.exportPng(png, &error)) << error.toStdString();
  ASSERT_TRUE(w.exportSvg(svg, &error)) << error.toStdString();
  ASSERT_TRUE(w.exportCsv(csv, &error)) << error.toStdString();
  EXPECT_FALSE(QImage(png).isNull());
  QFile s(svg);
  ASSERT_TRUE(s.open(QIODevice::ReadOnly));
  EXPECT_TRUE(s.readAll().contains("<svg"));
  QFile c(csv);
  ASSERT_TRUE(c.open(QIODevice::ReadOnly));
  const QList<QByteArray> lines = c.readAll().trimmed().split('\n');
  ASSERT_EQ(lines.size(), 4);
  EXPECT_TRUE(lines[0].contains("Item 3"));
  EXPECT_FALSE(w.exportPng(QStringLiteral("/nonexistent-dir/x.png"), &error));
  EXPECT_FALSE(error.isEmpty());
  save_screenshot(&w, QStringLiteral("heatmap-widget"));
}

TEST(Heatmap, AttentionViewSwitchesMapsHeadsAndExportsAllHeads) {
  test_app();
  AttentionView v;
  v.resize(700, 560);
  v.show();
  tmf::InferenceResult r;
  r.level = "cma";
  r.attention = {make_map("amsa", 2, 4), make_map("cma_ext", 2, 4), make_map("cma_img", 2, 4)};
  v.setResult(r, labels(4), QStringLiteral("test"));
  ASSERT_EQ(v.mapNames(), (QStringList{"amsa", "cma_ext", "cma_img"}));
  EXPECT_EQ(v.heatmap()->rows(), 4);
  const std::vector<float> mean = r.attention[0].head_mean();
  EXPECT_FLOAT_EQ(v.heatmap()->value(0, 1), mean[1]);
  v.showMap(2, 1);
  EXPECT_FLOAT_EQ(v.heatmap()->value(2, 3), r.attention[2].at(1, 2, 3));
  EXPECT_TRUE(v.heatmap()->title().contains(QStringLiteral("head 2")));
  v.showMap(1, -2);  // all heads as small multiples
  QApplication::processEvents();
  save_screenshot(&v, QStringLiteral("attention-all-heads"));
  const std::string dir = test_dir("attention");
  QString error;
  ASSERT_TRUE(v.exportCsv(QString::fromStdString(dir + "/all.csv"), &error)) << error.toStdString();
  QFile c(QString::fromStdString(dir + "/all.csv"));
  ASSERT_TRUE(c.open(QIODevice::ReadOnly));
  // header + 3 maps × (2 heads + mean) × 16 cells
  EXPECT_EQ(c.readAll().trimmed().split('\n').size(), 1 + 3 * 3 * 16);
  ASSERT_TRUE(v.exportSvg(QString::fromStdString(dir + "/grid.svg"), &error));
  // A level without item tokens has no maps and says so.
  tmf::InferenceResult text;
  text.level = "text";
  v.setResult(text, labels(4), QStringLiteral("t"));
  EXPECT_FALSE(v.hasMaps());
}

TEST(Heatmap, PromptHighlightsPlaceholdersAndChartShowsCandidates) {
  test_app();
  tmf::HybridPrompt p;
  p.parts.push_back({"The user did: view ", false, {}});
  p.parts.push_back({"[MT_b]", true, {tmf::PlaceholderRef::Kind::Behavior, 0, 1}});
  p.parts.push_back({" Lamp ", false, {}});
  p.parts.push_back({"[MT_i]", true, {tmf::PlaceholderRef::Kind::HistoryItem, 0, 0}});
  p.parts.push_back({". Candidates: Desk <b>", false, {}});
  p.parts.push_back({"[MT_i]", true, {tmf::PlaceholderRef::Kind::CandidateItem, 0, 0}});
  PromptView view;
  view.setPrompt(p, {QStringLiteral("Lamp")}, {QStringLiteral("Desk")});
  EXPECT_EQ(view.placeholderCount(), 3);
  const QString html = PromptView::toHtml(p, {QStringLiteral("Lamp")}, {QStringLiteral("Desk")});
  EXPECT_TRUE(html.contains(QStringLiteral("history step 1: Lamp")));
  EXPECT_TRUE(html.contains(QStringLiteral("&lt;b&gt;")));  // literal text is escaped
  EXPECT_TRUE(view.toPlainText().contains(QStringLiteral("[MT_i]")));

  ScoreChart chart;
  tmf::InferenceResult r;
  r.candidate_names = {"Desk", "Chair", "Lamp"};
  r.candidate_probs = {0.2, 0.7, 0.1};
  r.candidate_scores = {-2, -0.5, -3};
  r.matched = 1;
  r.expected = 1;
  chart.setResult(r);
  EXPECT_EQ(chart.barCount(), 3);
}
