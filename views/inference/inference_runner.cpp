#include "inference/inference_runner.h"

#include <QElapsedTimer>
#include <exception>

#include "data/dataset.h"

struct InferenceRunner::State {
  std::unique_ptr<tmf::Dataset> dataset;
  std::unique_ptr<tmf::InferenceSession> session;
};

InferenceRunner::InferenceRunner(QObject* parent) : QObject(parent), m_state(std::make_shared<State>()) {
  qRegisterMetaType<std::shared_ptr<const tmf::InferenceResult>>("std::shared_ptr<const tmf::InferenceResult>");
  m_worker = new QObject;
  m_worker->moveToThread(&m_thread);
  connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
  m_thread.setObjectName(QStringLiteral("inference"));
  m_thread.start();
}

InferenceRunner::~InferenceRunner() {
  m_cancel = true;
  m_thread.quit();
  m_thread.wait();
  m_state.reset();  // the session is freed once no job can use it
}

QString InferenceRunner::cudaDeviceName() {
  try {
    return QString::fromStdString(tmf::cuda_device_name());
  } catch (const std::exception&) {
    return {};
  }
}

void InferenceRunner::setBusy(bool b) {
  if (m_busy == b) return;
  m_busy = b;
  Q_EMIT busyChanged(b);
}

tmf::Progress InferenceRunner::progress() {
  tmf::Progress p;
  p.cancel = &m_cancel;
  auto last = std::make_shared<QElapsedTimer>();
  last->start();
  p.callback = [this, last](const tmf::ProgressEvent& e) {
    // At most ~30 updates a second reach the UI.
    if (last->elapsed() < 33 && e.done < e.total) return;
    last->restart();
    const QString stage = QString::fromStdString(e.stage + (e.message.empty() ? "" : ": " + e.message));
    const double done = e.done, total = e.total;
    QMetaObject::invokeMethod(this, [this, stage, done, total] { Q_EMIT progressed(stage, done, total); },
                              Qt::QueuedConnection);
  };
  return p;
}

void InferenceRunner::post(const std::function<void(State&)>& job) {
  m_cancel = false;
  setBusy(true);
  std::shared_ptr<State> state = m_state;
  QMetaObject::invokeMethod(m_worker, [job, state] { job(*state); }, Qt::QueuedConnection);
}

void InferenceRunner::openModel(const QString& packageDir, const QString& datasetPath, const QString& device) {
  if (m_busy) {
    Q_EMIT errorOccurred(tr("Busy"), tr("Wait for the current job to finish or cancel it."));
    return;
  }
  m_hasModel = false;
  const std::string dir = packageDir.toStdString(), ds = datasetPath.toStdString(), dev = device.toStdString();
  tmf::Progress prog = progress();
  post([this, dir, ds, dev, prog, packageDir](State& s) {
    QString error;
    tmf::ModelSummary summary;
    try {
      s.session.reset();
      s.dataset.reset();
      s.dataset = std::make_unique<tmf::Dataset>(tmf::Dataset::open(ds, /*read_only=*/true));
      s.session = tmf::InferenceSession::open(dir, *s.dataset, dev, prog);
      summary = s.session->summary();
    } catch (const std::exception& e) {
      s.session.reset();
      error = QString::fromStdString(e.what());
      if (error.isEmpty()) error = tr("unknown error");
    }
    QMetaObject::invokeMethod(this, [this, error, summary, packageDir] {
      setBusy(false);
      if (!error.isEmpty()) {
        Q_EMIT errorOccurred(tr("Cannot open model"), tr("The model package '%1' cannot be used with this dataset:\n\n%2")
                                                          .arg(packageDir, error));
        return;
      }
      m_summary = summary;
      m_packageDir = packageDir;
      m_hasModel = true;
      Q_EMIT modelOpened(packageDir);
    }, Qt::QueuedConnection);
  });
}

void InferenceRunner::closeModel() {
  if (m_busy) cancel();
  m_hasModel = false;
  m_packageDir.clear();
  post([this](State& s) {
    s.session.reset();
    s.dataset.reset();
    QMetaObject::invokeMethod(this, [this] { setBusy(false); }, Qt::QueuedConnection);
  });
}

void InferenceRunner::run(const tmf::InferenceRequest& request) {
  if (m_busy) {
    Q_EMIT errorOccurred(tr("Busy"), tr("Wait for the current job to finish or cancel it."));
    return;
  }
  if (!m_hasModel) {
    Q_EMIT errorOccurred(tr("No model"), tr("Open a model package first."));
    return;
  }
  tmf::Progress prog = progress();
  post([this, request, prog](State& s) {
    QString error;
    std::shared_ptr<tmf::InferenceResult> result;
    try {
      TMF_CHECK(s.session, "no model is open");
      result = std::make_shared<tmf::InferenceResult>(s.session->run(request, prog));
    } catch (const tmf::Cancelled&) {
      error = tr("cancelled");
    } catch (const std::exception& e) {
      error = QString::fromStdString(e.what());
      if (error.isEmpty()) error = tr("unknown error");
    }
    QMetaObject::invokeMethod(this, [this, error, result] {
      setBusy(false);
      if (result) Q_EMIT resultReady(result);
      else Q_EMIT errorOccurred(tr("Inference failed"), error);
    }, Qt::QueuedConnection);
  });
}

void InferenceRunner::cancel() { m_cancel = true; }
