// A long command (training, evaluation) run by the tmf program in a child process, the way the
// analyst would run it in a terminal: the window stays responsive, a crash or an out-of-memory in
// training cannot take the window down, and a run that is cancelled or killed resumes from its
// checkpoints when started again (tmf train keeps them). Progress arrives as JSON lines
// (TMF_PROGRESS=jsonl, app/tmf/cli_progress.h); cancel() sends SIGTERM, which the command turns
// into its cancel flag.
#pragma once
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

class CliJob : public QObject {
  Q_OBJECT
 public:
  explicit CliJob(QObject* parent = nullptr);
  ~CliJob() override;

  // The tmf program: $TMF_TOOL, else beside this program (an installation's bin/), else the build
  // tree's app/ folder (this program in app/studio/), else "tmf" on PATH.
  static QString toolPath();

  // Starts `tmf ARGS`; false (and errorText()) when a job is already running.
  bool start(const QString& title, const QStringList& args);
  void cancel();
  bool isRunning() const;
  QString title() const { return m_title; }
  QStringList arguments() const { return m_args; }
  QString standardOutput() const { return m_stdout; }
  QString errorText() const { return m_error; }

 Q_SIGNALS:
  void started();
  // fraction in [0, 1], or -1 when the stage has no known length.
  void progress(const QString& stage, double fraction, const QString& message);
  // ok: exit status 0. cancelled: cancel() was asked. error: the command's own message (its
  // "error:" line) or why it could not start.
  void finished(bool ok, bool cancelled, const QString& error);

 private:
  void readProgress();
  void onFinished(int code, QProcess::ExitStatus status);

  QProcess* m_process = nullptr;
  QString m_title;
  QStringList m_args;
  QString m_stdout;
  QString m_stderrTail;  // the last lines that were not progress
  QByteArray m_partial;  // an incomplete stderr line
  QString m_error;
  bool m_cancelled = false;
};
