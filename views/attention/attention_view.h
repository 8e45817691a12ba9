// The attention maps of one inference result: choose the map (AMSA W_att, CMA W_ext, CMA W_image),
// a head or the mean over heads, or all heads at once as small multiples (BertViz's model view);
// the heatmap shows the history steps' thumbnails and behavior glyphs along both axes. Exports the
// picture (PNG, SVG) and every head of every map as CSV (long format).
#pragma once
#include <QVector>
#include <QWidget>

#include "attention/heatmap_widget.h"
#include "tmf/inference.h"

class QComboBox;
class QGridLayout;
class QLabel;
class QStackedWidget;

class AttentionView : public QWidget {
  Q_OBJECT
 public:
  explicit AttentionView(QWidget* parent = nullptr);

  // steps: one label per history step (rows and columns of every map).
  void setResult(const tmf::InferenceResult& result, const QVector<HeatmapAxisLabel>& steps, const QString& caption);
  void clear(const QString& why);
  bool hasMaps() const { return !m_maps.empty(); }

  // head -1 = mean over heads, -2 = all heads (grid).
  void showMap(int mapIndex, int head);
  int mapIndex() const;
  int head() const;
  HeatmapWidget* heatmap() const { return m_heatmap; }
  QStringList mapNames() const;

  bool exportPng(const QString& path, QString* error) const;
  bool exportSvg(const QString& path, QString* error) const;
  bool exportCsv(const QString& path, QString* error) const;  // all maps, all heads and the mean

  static QString mapTitle(const std::string& name);

 Q_SIGNALS:
  void stepsSelected(int row, int col);

 private:
  void refresh();
  void rebuildHeadCombo();
  void askExport(const QString& kind);
  QWidget* currentPicture() const;

  std::vector<tmf::AttentionMap> m_maps;
  QVector<HeatmapAxisLabel> m_steps;
  QLabel* m_caption;
  QComboBox* m_mapCombo;
  QComboBox* m_headCombo;
  QStackedWidget* m_stack;
  HeatmapWidget* m_heatmap;
  QWidget* m_grid;
  QGridLayout* m_gridLayout;
  QVector<HeatmapWidget*> m_headMaps;
};
