#include "jobs/cli_job.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QStandardPaths>

CliJob::CliJob(QObject* parent) : QObject(parent) {}

CliJob::~CliJob() {
  if (isRunning()) {
    m_process->terminate();  // the command stops at its next progress report and keeps its checkpoints
    if (!m_process->waitForFinished(5000)) m_process->kill();
    m_process->waitForFinished(2000);
  }
}

QString CliJob::toolPath() {
  const QString env = qEnvironmentVariable("TMF_TOOL");
  if (!env.isEmpty()) return env;
  const QString dir = QCoreApplication::applicationDirPath();
  for (const QString& candidate : {dir + QStringLiteral("/tmf"), dir + QStringLiteral("/../tmf")})
    if (QFileInfo(candidate).isExecutable() && QFileInfo(candidate).isFile()) return QFileInfo(candidate).canonicalFilePath();
  const QString onPath = QStandardPaths::findExecutable(QStringLiteral("tmf"));
  return onPath.isEmpty() ? QStringLiteral("tmf") : onPath;
}

bool CliJob::isRunning() const { return m_process && m_process->state() != QProcess::NotRunning; }

bool CliJob::start(const QString& title, const QStringList& args) {
  if (isRunning()) {
    m_error = tr("'%1' is still running").arg(m_title);
    return false;
  }
  if (m_process) m_process->deleteLater();
  m_title = title;
  m_args = args;
  m_stdout.clear();
  m_stderrTail.clear();
  m_partial.clear();
  m_error.clear();
  m_cancelled = false;
  m_process = new QProcess(this);
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.insert(QStringLiteral("TMF_PROGRESS"), QStringLiteral("jsonl"));
  m_process->setProcessEnvironment(env);
  connect(m_process, &QProcess::readyReadStandardError, this, &CliJob::readProgress);
  connect(m_process, &QProcess::readyReadStandardOutput, this,
          [this] { m_stdout += QString::fromUtf8(m_process->readAllStandardOutput()); });
  connect(m_process, &QProcess::finished, this, &CliJob::onFinished);
  connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
    if (e != QProcess::FailedToStart) return;  // crashes arrive through finished()
    m_error = tr("cannot start %1: %2").arg(toolPath(), m_process->errorString());
    Q_EMIT finished(false, false, m_error);
  });
  m_process->start(toolPath(), args);
  Q_EMIT started();
  return true;
}

void CliJob::cancel() {
  if (!isRunning()) return;
  m_cancelled = true;
  m_process->terminate();
}

void CliJob::readProgress() {
  m_partial += m_process->readAllStandardError();
  int nl;
  while ((nl = m_partial.indexOf('\n')) >= 0) {
    const QByteArray line = m_partial.left(nl);
    m_partial.remove(0, nl + 1);
    const QJsonDocument doc = QJsonDocument::fromJson(line);
    if (doc.isObject() && doc.object().contains(QStringLiteral("stage"))) {
      const QJsonObject o = doc.object();
      const double total = o.value(QStringLiteral("total")).toDouble();
      const double done = o.value(QStringLiteral("done")).toDouble();
      Q_EMIT progress(o.value(QStringLiteral("stage")).toString(), total > 0 ? qBound(0.0, done / total, 1.0) : -1.0,
                      o.value(QStringLiteral("message")).toString());
    } else if (!line.trimmed().isEmpty()) {
      m_stderrTail += QString::fromUtf8(line) + QLatin1Char('\n');
      if (m_stderrTail.size() > 8000) m_stderrTail = m_stderrTail.right(8000);
    }
  }
}

void CliJob::onFinished(int code, QProcess::ExitStatus status) {
  readProgress();
  m_stdout += QString::fromUtf8(m_process->readAllStandardOutput());
  const bool ok = status == QProcess::NormalExit && code == 0;
  if (!ok && m_error.isEmpty()) {
    // The command's own message: its "tmf CMD: error: ..." line, else whatever it printed last.
    const QStringList lines = m_stderrTail.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (auto it = lines.rbegin(); it != lines.rend() && m_error.isEmpty(); ++it)
      if (it->contains(QStringLiteral("error:"))) m_error = it->mid(it->indexOf(QStringLiteral("error:")) + 7).trimmed();
    if (m_error.isEmpty() && m_cancelled) m_error = tr("cancelled");
    if (m_error.isEmpty())
      m_error = status == QProcess::CrashExit ? tr("the tmf process crashed") : lines.isEmpty() ? tr("exit status %1").arg(code) : lines.last();
  }
  Q_EMIT finished(ok, m_cancelled, ok ? QString() : m_error);
}
