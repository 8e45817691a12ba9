// The status bar's view of a running CliJob: what runs, its stage and progress, and Cancel.
// Hidden while no job runs.
#pragma once
#include <QWidget>

class CliJob;
class QLabel;
class QProgressBar;
class QToolButton;

class JobStatusWidget : public QWidget {
  Q_OBJECT
 public:
  JobStatusWidget(CliJob* job, QWidget* parent = nullptr);
  QString text() const;            // "Training electronics.tmf — train:hard 40% loss 2.31"
  QProgressBar* bar() const { return m_bar; }
  QToolButton* cancelButton() const { return m_cancel; }

 private:
  CliJob* m_job;
  QLabel* m_label;
  QProgressBar* m_bar;
  QToolButton* m_cancel;
};
