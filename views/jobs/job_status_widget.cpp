#include "jobs/job_status_widget.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>

#include "jobs/cli_job.h"

JobStatusWidget::JobStatusWidget(CliJob* job, QWidget* parent) : QWidget(parent), m_job(job) {
  m_label = new QLabel;
  m_bar = new QProgressBar;
  m_bar->setMaximumWidth(180);
  m_bar->setRange(0, 1000);
  m_bar->setTextVisible(true);
  m_cancel = new QToolButton;
  m_cancel->setText(tr("Cancel"));
  m_cancel->setToolTip(tr("Stop the job; a training run keeps its checkpoints and resumes when started again"));
  auto* lay = new QHBoxLayout(this);
  lay->setContentsMargins(0, 0, 0, 0);
  lay->addWidget(m_label);
  lay->addWidget(m_bar);
  lay->addWidget(m_cancel);
  setVisible(false);
  connect(m_cancel, &QToolButton::clicked, job, &CliJob::cancel);
  connect(job, &CliJob::started, this, [this] {
    m_label->setText(m_job->title());
    m_bar->setRange(0, 0);  // busy until the first progress report
    m_cancel->setEnabled(true);
    setVisible(true);
  });
  connect(job, &CliJob::progress, this, [this](const QString& stage, double fraction, const QString& message) {
    m_label->setText(QStringLiteral("%1 — %2 %3").arg(m_job->title(), stage, message).trimmed());
    if (fraction < 0) {
      m_bar->setRange(0, 0);
    } else {
      m_bar->setRange(0, 1000);
      m_bar->setValue(int(fraction * 1000));
      m_bar->setFormat(QStringLiteral("%1%").arg(fraction * 100, 0, 'f', 0));
    }
  });
  connect(m_cancel, &QToolButton::clicked, this, [this] {
    m_cancel->setEnabled(false);
    m_label->setText(tr("%1 — cancelling…").arg(m_job->title()));
  });
  connect(job, &CliJob::finished, this, [this] { setVisible(false); });
}

QString JobStatusWidget::text() const { return m_label->text(); }
