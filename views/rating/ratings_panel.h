// The analyst's side of blind human rating (paper §5.4): set up a study on the open dataset (number
// of sequences, seed, raters), add recommendation sources (a CSV of user -> item made elsewhere, a
// TMF model package run off the UI thread by TmfSourceRunner, with progress and cancel), start
// rater mode for a rater, and see the results (RatingResultsView: Table 4, Fig. 5's bubble chart,
// import and export) for this dataset and any other dataset files holding a study of the same name.
//
// Errors from core never escape a slot: they set errorString(), show in the panel's status line
// and, when interactive (the default), in a message box.
//
// TMF sources need LibTorch, which the views do not link: the program that docks this panel
// passes the producer, e.g.
//   panel->setTmfRecommender([](const tmf::Dataset& ds, int64_t study, const std::string& dir,
//                               const tmf::Progress& p) { return tmf::tmf_recommendations(ds, study, dir, "auto", p); });
// Without one, "Add TMF package…" is disabled and says to use `tmf rate add-source --tmf`.
#pragma once
#include <QWidget>
#include <memory>

#include "rating/rating_study.h"
#include "rating/tmf_source_runner.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;
class BubbleChart;
class RaterWindow;
class RatingResultsView;
class RatingStatsModel;

class RatingsPanel : public QWidget {
  Q_OBJECT
 public:
  using TmfRecommender = TmfSourceRunner::Recommender;

  explicit RatingsPanel(QWidget* parent = nullptr);
  ~RatingsPanel() override;

  void setDataset(const QString& path);  // opens (and migrates) the file; empty path closes
  void setInteractive(bool on) { m_interactive = on; }  // false: no message boxes (tests)
  void setTmfRecommender(TmfRecommender fn);
  QString errorString() const { return m_error; }

  // The actions behind the buttons, for scripting and tests. Each returns false and sets
  // errorString() on failure.
  bool createStudy(const QString& name, int sequences, quint64 seed, const QStringList& raters,
                   const QString& split = QStringLiteral("default"), const QString& candidates = QStringLiteral("default"));
  bool selectStudy(const QString& name);
  QString currentStudy() const;
  bool addRater(const QString& name);
  bool addCsvSource(const QString& name, const QString& csvPath, const QString& kind = QStringLiteral("csv"));
  bool addTmfSource(const QString& name, const QString& packageDir);  // starts the worker; see tmfSourceDone
  bool importRatings(const QString& csvPath, bool overwrite, QString* report = nullptr);
  bool addResultsDataset(const QString& path);  // another dataset file with a study of this name
  void refreshResults();
  bool exportResults(const QString& path);  // .json or .csv by extension
  bool exportRatings(const QString& path);  // ratings CSV of every results dataset
  bool exportChart(const QString& path);    // .svg or .png by extension
  RaterWindow* startRating(const QString& rater);  // a new top-level rater window (deletes on close)

  RatingStatsModel* statsModel() const;
  BubbleChart* chart() const;
  bool isBusy() const { return m_runner->busy(); }

 Q_SIGNALS:
  void tmfSourceDone(bool ok, const QString& message);
  void studyChanged(const QString& name);

 private:
  void refreshStudies(const QString& select = {});
  void refreshStudy();
  bool fail(const QString& what, const std::exception& e);
  bool fail(const QString& what, const QString& message);
  void setStatus(const QString& text, bool error = false);

  std::unique_ptr<tmf::Dataset> m_ds;
  QString m_path;
  bool m_interactive = true;
  QString m_error;
  TmfSourceRunner* m_runner = nullptr;

  QComboBox* m_studies = nullptr;
  QLineEdit* m_newName = nullptr;
  QSpinBox* m_newSequences = nullptr;
  QSpinBox* m_newSeed = nullptr;
  QLineEdit* m_newRaters = nullptr;
  QLineEdit* m_newSplit = nullptr;
  QLineEdit* m_newCandidates = nullptr;
  QLabel* m_studyInfo = nullptr;
  QTableWidget* m_sources = nullptr;
  QPushButton* m_addTmf = nullptr;
  QProgressBar* m_progress = nullptr;
  QPushButton* m_cancelButton = nullptr;
  QComboBox* m_raters = nullptr;
  RatingResultsView* m_results = nullptr;
  QLabel* m_status = nullptr;
};
