// runInBackground: runs a function on a fresh QThread and delivers its result (or the message of
// the exception it threw) on the thread of a context object, which is the UI thread for widgets.
// When the context object is destroyed first, the result is dropped. For one-shot work (opening a
// dataset, listing runs); long-lived workers with cancel and progress are QObjects of their own.
#pragma once
#include <QObject>
#include <QString>
#include <QThread>
#include <exception>
#include <functional>
#include <memory>

template <typename T>
QThread* runInBackground(QObject* context, std::function<T()> work, std::function<void(std::shared_ptr<T>)> done,
                         std::function<void(const QString&)> failed) {
  struct Outcome {
    std::shared_ptr<T> value;
    QString error;
  };
  auto outcome = std::make_shared<Outcome>();
  QThread* thread = QThread::create([work, outcome] {
    try {
      outcome->value = std::make_shared<T>(work());
    } catch (const std::exception& e) {
      outcome->error = QString::fromStdString(e.what());
      if (outcome->error.isEmpty()) outcome->error = QStringLiteral("unknown error");
    } catch (...) {
      outcome->error = QStringLiteral("unknown error");
    }
  });
  QObject::connect(thread, &QThread::finished, context, [outcome, done, failed] {
    if (outcome->value) done(outcome->value); else failed(outcome->error);
  });
  QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
  thread->start();
  return thread;
}
