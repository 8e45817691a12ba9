// Rater mode (paper §5.4): one rater scores the recommendations of a study, blind. Shows the
// shopper's behavior sequence (thumbnail, title, behavior per step), the recommended item (image
// and text) and a 1-5 scale with anchor texts; keys 1-5 rate and move on, Left/Backspace go back,
// Right/S skip. Every rating is committed to the dataset file as it is given (tmf::RaterSession),
// so closing the window or killing the program loses nothing; reopening resumes at the first
// unrated task. Nothing shown names a recommendation source (the blinding test checks every
// widget's text).
//
//   RaterWindow w;
//   if (!w.openSession(path, study, rater)) show w.errorString();  else w.show();
#pragma once
#include <QWidget>
#include <memory>

class QButtonGroup;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QStackedWidget;

namespace tmf {
class RaterSession;
}

class RaterWindow : public QWidget {
  Q_OBJECT
 public:
  explicit RaterWindow(QWidget* parent = nullptr);
  ~RaterWindow() override;

  // Opens the study for the rater and shows the first unrated task. Returns false and sets
  // errorString() when the file, study or rater is unknown (the window then shows the message).
  bool openSession(const QString& datasetPath, const QString& study, const QString& rater);
  QString errorString() const { return m_error; }

  int taskCount() const;
  int currentIndex() const { return m_index; }
  int ratedCount() const;
  bool isFinished() const;

  static QString anchorText(int score);  // "Totally irrelevant" ... "Tightly relevant"

 public Q_SLOTS:
  void rate(int score);  // commits and moves to the next task
  void back();
  void skip();

 Q_SIGNALS:
  void rated(int index, int score);
  void finished();

 protected:
  void keyPressEvent(QKeyEvent* e) override;

 private:
  void showTask(int index);
  void showNext();
  void updateProgress();
  void setStatus(const QString& text, bool error);

  std::unique_ptr<tmf::RaterSession> m_session;
  int m_index = 0;
  QString m_error;
  QStackedWidget* m_pages = nullptr;
  QLabel* m_message = nullptr;        // page 0: errors / not open
  QLabel* m_progressText = nullptr;
  QProgressBar* m_progress = nullptr;
  QListWidget* m_history = nullptr;
  QLabel* m_image = nullptr;
  QLabel* m_title = nullptr;
  QLabel* m_text = nullptr;
  QButtonGroup* m_scores = nullptr;
  QPushButton* m_back = nullptr;
  QPushButton* m_skip = nullptr;
  QLabel* m_status = nullptr;
};
