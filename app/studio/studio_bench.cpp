// tmf-studio-bench: the studio's responsiveness numbers, printed as a small table.
//   1. first paint of a gallery page on a generated 50,000-item dataset (small PNG images): time to
//      open the dataset (off the UI thread), the first paint of the gallery (placeholders), and the
//      paint once the visible page's thumbnails are decoded;
//   2. time from "run" to the painted heatmap on the demo world's tiny model on CPU (target 150 ms);
//   3. the longest stall of the UI event loop (a 5 ms QTimer; target 50 ms) while a worker runs
//      inference repeatedly, and while a worker thread trains a tiny TMF model in-process.
// Usage: tmf-studio-bench [--work DIR] [--items N] [--runs N] [--tmf PATH]
//                         [--dataset FILE --model DIR] [--decode free|constrained|likelihood]
//                         [--screenshot FILE]   the window and the attention map after the runs
//   --dataset/--model measure run -> heatmap on that model (e.g. the app's demo model,
//   data/demo/electronics.tmf) instead of a tiny one made on the fly.
// The demo world and its tiny model are made with the `tmf` CLI (default: ../tmf next to this
// program). Runs offscreen unless QT_QPA_PLATFORM says otherwise.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QListView>
#include <QSignalSpy>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "util/blas_env.h"
#include "attention/attention_view.h"
#include "composer/composition.h"
#include "data/dataset_writer.h"
#include "data/image.h"
#include "dataset/dataset_panel.h"
#include "inference/inference_panel.h"
#include "inference/inference_runner.h"
#include "llm/device.h"
#include "loaded_dataset.h"
#include "main_window.h"
#include "thumbnail_cache.h"
#include "train/tmf_pipeline.h"

namespace {
namespace fs = std::filesystem;

bool waitFor(const std::function<bool()>& pred, int timeoutMs) {
  QElapsedTimer t;
  t.start();
  while (!pred()) {
    if (t.elapsed() > timeoutMs) return false;
    QApplication::processEvents(QEventLoop::AllEvents, 5);
  }
  return true;
}

// Measures the longest gap between 5 ms timer ticks while `busy()` holds.
struct StallProbe {
  QTimer timer;
  QElapsedTimer clock;
  qint64 last = 0, longest = 0, ticks = 0;
  StallProbe() {
    timer.setInterval(5);
    timer.setTimerType(Qt::PreciseTimer);
    QObject::connect(&timer, &QTimer::timeout, [this] {
      const qint64 now = clock.nsecsElapsed();
      longest = std::max(longest, now - last);
      last = now;
      ++ticks;
    });
  }
  void start() {
    clock.start();
    last = 0;
    longest = 0;
    ticks = 0;
    timer.start();
  }
  double stop() {
    timer.stop();
    return double(longest) / 1e6;
  }
};

std::string makeBigDataset(const std::string& dir, int items) {
  const std::string path = dir + "/big.tmfdb";
  if (fs::exists(path)) return path;
  const std::string partial = path + ".partial";
  fs::remove(partial);
  {
    tmf::Dataset ds = tmf::Dataset::create(partial, "big");
    ds.set_behaviors({"view", "cart", "purchase"}, "purchase");
    tmf::DatasetWriter w(ds);
    const char* brands[] = {"Acme", "Zenith", "Voltix", "Nordlys", "Kappa"};
    const char* cats[] = {"Electronics|Audio", "Electronics|Cameras", "Home|Lamps", "Sports|Bikes", "Pets|Toys"};
    for (int i = 0; i < items; ++i) {
      tmf::ItemInput in;
      in.external_id = "i" + std::to_string(i);
      in.name = std::string(brands[i % 5]) + " item " + std::to_string(i);
      in.brand = brands[i % 5];
      in.categories = cats[(i / 7) % 5];
      tmf::RgbImage img;
      img.width = img.height = 32;
      img.rgb.resize(32 * 32 * 3);
      for (size_t k = 0; k < img.rgb.size(); ++k) img.rgb[k] = uint8_t((i * 37 + k * (1 + i % 5)) & 0xFF);
      in.image = tmf::encode_png(img);
      const int64_t id = w.item(in);
      if (i % 10 == 0) w.event(w.user("u" + std::to_string(i / 100)), id, 1 + (i / 10) % 3, i);
    }
    w.commit();
  }
  fs::rename(partial, path);
  return path;
}
}  // namespace

int main(int argc, char** argv) {
  tmf::configure_blas(argc, argv);  // before anything else: it may re-execute the program
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("TMF Studio Bench"));
  QApplication::setApplicationName(QStringLiteral("tmf-studio-bench"));
  QCommandLineParser parser;
  parser.addHelpOption();
  QCommandLineOption workOpt(QStringLiteral("work"), QStringLiteral("work folder"), QStringLiteral("DIR"),
                             QDir::tempPath() + QStringLiteral("/tmf-studio-bench"));
  QCommandLineOption itemsOpt(QStringLiteral("items"), QStringLiteral("gallery items"), QStringLiteral("N"),
                              QStringLiteral("50000"));
  QCommandLineOption runsOpt(QStringLiteral("runs"), QStringLiteral("inference runs"), QStringLiteral("N"),
                             QStringLiteral("10"));
  QCommandLineOption tmfOpt(QStringLiteral("tmf"), QStringLiteral("the tmf CLI"), QStringLiteral("PATH"),
                            QCoreApplication::applicationDirPath() + QStringLiteral("/../tmf"));
  QCommandLineOption datasetOpt(QStringLiteral("dataset"), QStringLiteral("dataset of --model"), QStringLiteral("FILE"));
  QCommandLineOption modelOpt(QStringLiteral("model"), QStringLiteral("model package to time"), QStringLiteral("DIR"));
  QCommandLineOption decodeOpt(QStringLiteral("decode"), QStringLiteral("decoding mode"), QStringLiteral("MODE"),
                               QStringLiteral("free"));
  QCommandLineOption shotOpt(QStringLiteral("screenshot"),
                             QStringLiteral("after the runs, save the window to FILE.png and the attention map shown "
                                            "(AMSA by default) to FILE-attention.png"),
                             QStringLiteral("FILE"));
  parser.addOptions({workOpt, itemsOpt, runsOpt, tmfOpt, datasetOpt, modelOpt, decodeOpt, shotOpt});
  parser.process(app);
  const std::string work = parser.value(workOpt).toStdString();
  fs::create_directories(work);
  const int items = parser.value(itemsOpt).toInt();
  const int runs = std::max(2, parser.value(runsOpt).toInt());

  // 1. Gallery first paint.
  QElapsedTimer t;
  t.start();
  const std::string big = makeBigDataset(work, items);
  std::printf("dataset with %d items ready in %.1f s (%s)\n", items, t.elapsed() / 1000.0, big.c_str());
  MainWindow w;
  w.resize(1600, 1000);
  w.show();
  QApplication::processEvents();
  // A gallery the size of a typical screen area: the Dataset dock floated at 1400×900.
  QDockWidget* datasetDock = w.dock(QStringLiteral("dock.dataset"));
  datasetDock->setFloating(true);
  datasetDock->resize(1400, 900);
  QApplication::processEvents();
  QSignalSpy opened(&w, &MainWindow::datasetOpened);
  t.restart();
  w.openDataset(QString::fromStdString(big), true);
  StallProbe openProbe;
  openProbe.start();
  if (!waitFor([&] { return opened.count() > 0; }, 120000) || !opened.first().at(0).toBool()) {
    std::printf("cannot open %s: %s\n", big.c_str(), qPrintable(w.errorString()));
    return 1;
  }
  const double openMs = t.nsecsElapsed() / 1e6;
  const double openStall = openProbe.stop();
  QListView* gallery = w.datasetPanel()->galleryView();
  QElapsedTimer paint;
  paint.start();
  gallery->viewport()->repaint();
  const double firstPaintMs = paint.nsecsElapsed() / 1e6;
  const double openToPaintMs = t.nsecsElapsed() / 1e6;
  // Visible page: every index whose rect intersects the viewport.
  QList<qint64> visible;
  QAbstractItemModel* m = gallery->model();
  for (int r = 0; r < m->rowCount(); ++r) {
    const QModelIndex i = m->index(r, 0);
    if (!gallery->visualRect(i).intersects(gallery->viewport()->rect())) {
      if (!visible.isEmpty()) break;
      continue;
    }
    visible << i.data(Qt::UserRole + 1).toLongLong();
  }
  ThumbnailCache* cache = w.thumbnails();
  waitFor([&] {
    for (qint64 id : visible)
      if (cache->thumbnail(id).isNull() && cache->error(id).isEmpty()) return false;
    return true;
  }, 60000);
  gallery->viewport()->repaint();
  const double fullPageMs = paint.nsecsElapsed() / 1e6;
  datasetDock->setFloating(false);

  // 2 and 3. The demo world and its tiny model.
  const std::string demo = work + "/demo";
  const std::string tool = parser.value(tmfOpt).toStdString();
  const bool given = parser.isSet(modelOpt) && parser.isSet(datasetOpt);
  const std::string demoDataset = given ? parser.value(datasetOpt).toStdString() : demo + "/electronics.tmfdb";
  const std::string demoModel = given ? parser.value(modelOpt).toStdString() : demo + "/model";
  if (!fs::exists(demo + "/model")) {  // also the world of the in-process training below
    fs::create_directories(demo);
    const std::string gen = "\"" + tool + "\" data generate --preset demo --world electronics --items 60 --users 40 --out \"" +
                            demo + "\" --force --quiet";
    const std::string train = "\"" + tool + "\" train --dataset \"" + demo + "/electronics.tmfdb\" --out \"" + demo +
                              "/model\" --size tiny --device cpu > \"" + demo + "/train.log\" 2>&1";
    if (std::system(gen.c_str()) != 0 || std::system(train.c_str()) != 0) {
      std::printf("cannot make the demo world with %s\n", tool.c_str());
      return 1;
    }
  }
  opened.clear();
  w.openDataset(QString::fromStdString(demoDataset), true);
  if (!waitFor([&] { return opened.count() > 0; }, 60000) || !opened.first().at(0).toBool()) return 1;
  auto ds = w.dataset();
  Composition* comp = w.composition();
  comp->insertSteps(-1, {ds->items[3].id, ds->items[7].id, ds->items[11].id});
  comp->sampleCandidates(42, 10);
  InferencePanel* ip = w.inferencePanel();
  ip->quietErrors = true;
  w.dock(QStringLiteral("dock.inference"))->raise();
  QSignalSpy modelOpened(ip->runner(), &InferenceRunner::modelOpened);
  QSignalSpy errors(ip, &InferencePanel::errorShown);
  ip->setDecode(parser.value(decodeOpt));
  w.openModel(QString::fromStdString(demoModel));  // device "auto" -> CPU here; see below
  if (!waitFor([&] { return modelOpened.count() > 0 || errors.count() > 0; }, 120000) || errors.count()) {
    std::printf("cannot open the demo model: %s\n", qPrintable(ip->lastError()));
    return 1;
  }
  const std::string device = ip->runner()->summary().device;
  QSignalSpy shown(ip, &InferencePanel::resultShown);
  std::vector<double> times, model;
  StallProbe inferProbe;
  inferProbe.start();
  for (int i = 0; i < runs; ++i) {
    ip->run();
    if (!waitFor([&] { return shown.count() > i || errors.count() > 0; }, 60000) || errors.count()) {
      std::printf("inference failed: %s\n", qPrintable(ip->lastError()));
      return 1;
    }
    if (i > 0) times.push_back(ip->lastRunToHeatmapMs());  // the first run warms up
    if (i > 0) model.push_back(ip->lastResult()->timings.total_ms);
  }
  const double inferStall = inferProbe.stop();
  if (parser.isSet(shotOpt)) {
    const QString base = parser.value(shotOpt);
    QString err;
    if (!w.grab().save(base + QStringLiteral(".png"), "PNG") ||
        !ip->attentionView()->exportPng(base + QStringLiteral("-attention.png"), &err)) {
      std::printf("cannot save the screenshots %s.png / %s-attention.png: %s\n", qPrintable(base), qPrintable(base),
                  qPrintable(err));
      return 1;
    }
    std::printf("screenshots: %s.png, %s-attention.png\n", qPrintable(base), qPrintable(base));
  }
  std::sort(times.begin(), times.end());
  std::sort(model.begin(), model.end());

  // Training in a worker thread of this process.
  std::atomic<bool> done{false};
  std::string trainError;
  double trainSeconds = 0;
  StallProbe trainProbe;
  trainProbe.start();
  std::thread trainer([&] {
    try {
      tmf::init_torch_threads();
      tmf::Dataset tds = tmf::Dataset::open(demo + "/electronics.tmfdb");
      tmf::PipelineOptions o = tmf::PipelineOptions::tiny();
      o.tune.steps = 30;
      o.redo = true;
      fs::remove_all(work + "/bench-model");
      trainSeconds = tmf::train_pipeline(tds, work + "/bench-model", o).seconds;
    } catch (const std::exception& e) {
      trainError = e.what();
    }
    done = true;
  });
  waitFor([&] { return done.load(); }, 600000);
  const double trainStall = trainProbe.stop();
  trainer.join();

  std::printf("\n| measurement | value |\n|---|---|\n");
  std::printf("| open %d-item dataset (worker thread, incl. Table 1) | %.0f ms |\n", items, openMs);
  std::printf("| longest UI stall while opening it | %.1f ms |\n", openStall);
  std::printf("| first paint of a gallery page (placeholders) | %.1f ms |\n", firstPaintMs);
  std::printf("| open -> first gallery paint | %.0f ms |\n", openToPaintMs);
  std::printf("| open -> visible page fully decoded and painted (%d thumbnails) | %.0f ms |\n", int(visible.size()),
              fullPageMs + openMs);
  std::printf("| run -> heatmap painted, %s (median / max of %zu) | %.1f / %.1f ms |\n", device.c_str(), times.size(),
              times[times.size() / 2], times.back());
  std::printf("| of which InferenceSession::run (median) | %.1f ms |\n", model[model.size() / 2]);
  std::printf("| longest UI stall during %d inference runs | %.1f ms |\n", runs, inferStall);
  if (trainError.empty())
    std::printf("| longest UI stall during in-process tiny training (%.1f s) | %.1f ms |\n", trainSeconds, trainStall);
  else
    std::printf("| training failed: %s | (stall %.1f ms) |\n", trainError.c_str(), trainStall);
  return 0;
}
