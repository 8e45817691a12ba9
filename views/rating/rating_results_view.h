// The results of a blind rating study (paper §5.4, Table 4 and Fig. 5): per source the average
// rating, the distribution and Fleiss' kappa with its p-value, as a table and a bubble chart, over
// the open dataset and any other dataset files holding a study of the same name. Imports ratings
// collected elsewhere (CSV, with a report of conflicts); exports the results (CSV/JSON), the
// ratings (CSV) and the chart (SVG/PNG). Part of RatingsPanel, which sets the study.
//
// Errors never escape: each action returns false and emits failed(what, message).
#pragma once
#include <QGroupBox>
#include <QString>
#include <QStringList>

namespace tmf {
class Dataset;
}
class QLabel;
class QTableView;
class BubbleChart;
class RatingStatsModel;

class RatingResultsView : public QGroupBox {
  Q_OBJECT
 public:
  explicit RatingResultsView(QWidget* parent = nullptr);

  // The open dataset (not owned; null: none), its file and the study shown; refreshes.
  void setStudy(tmf::Dataset* ds, const QString& path, const QString& study);
  void clearDatasets();                     // forgets the other dataset files
  bool addDataset(const QString& path);     // another dataset file with a study of this name
  void refresh();
  bool importRatings(const QString& csvPath, bool overwrite, QString* report = nullptr);
  bool exportResults(const QString& path);  // .json or .csv by extension
  bool exportRatings(const QString& path);  // ratings CSV of every dataset file
  bool exportChart(const QString& path);    // .svg or .png by extension

  RatingStatsModel* model() const { return m_model; }
  BubbleChart* chart() const { return m_chart; }

 Q_SIGNALS:
  void failed(const QString& what, const QString& message);
  void statusMessage(const QString& text);
  void ratingsImported();  // the study's ratings (and perhaps raters) changed

 private:
  bool fail(const QString& what, const std::exception& e);

  tmf::Dataset* m_ds = nullptr;
  QString m_path, m_study;
  QStringList m_extraDatasets;
  QLabel* m_datasetsLabel = nullptr;
  QTableView* m_table = nullptr;
  RatingStatsModel* m_model = nullptr;
  BubbleChart* m_chart = nullptr;
};
