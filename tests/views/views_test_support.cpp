#include "views_test_support.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QThread>
#include <QImage>
#include <QMessageBox>
#include <QSet>
#include <QTimer>
#include <QWidget>
#include <cstdlib>
#include <filesystem>

#include "data/dataset_writer.h"
#include "data/image.h"
#include "data/sqlite.h"

QApplication* test_app() {
  static int argc = 1;
  static char name[] = "views_tests";
  static char* argv[] = {name, nullptr};
  static QApplication* a = [] {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    auto* app = new QApplication(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("TMF Studio Tests"));
    QApplication::setApplicationName(QStringLiteral("views_tests"));
    return app;
  }();
  return a;
}

std::string test_dir(const std::string& name) {
  const std::string dir = std::string(TMF_BINARY_DIR) + "/test-tmp/views/" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string make_small_dataset(const std::string& dir) {
  const std::string path = dir + "/v.tmfdb";
  std::filesystem::remove(path);
  tmf::Dataset ds = tmf::Dataset::create(path, "views");
  ds.set_behaviors({"view", "cart", "purchase"}, "purchase");
  tmf::DatasetWriter w(ds);
  for (int i = 0; i < 30; ++i) {
    tmf::ItemInput in;
    in.external_id = std::to_string(i);
    in.name = "Item number " + std::to_string(i);
    in.brand = i % 2 ? "Acme" : "Zenith";
    in.categories = i % 2 ? "Things|Small" : "Things|Large";
    if (i % 3 == 0) {
      tmf::RgbImage img;
      img.width = img.height = 16;
      img.rgb.resize(16 * 16 * 3);
      for (size_t k = 0; k < img.rgb.size(); ++k) img.rgb[k] = uint8_t(i * 8 + k % 48);
      in.image = tmf::encode_png(img);
    }
    const int64_t item = w.item(in);
    w.event(w.user("u" + std::to_string(i % 5)), item, ds.behavior_id(i % 4 ? "view" : "purchase"), i);
  }
  w.commit();
  // An item whose stored bytes claim to be PNG but are not decodable (written behind the writer's
  // probe, as a damaged file would be).
  auto st = ds.db().prepare("UPDATE items SET image = ?, image_format = 'png', image_width = 16, image_height = 16 "
                            "WHERE external_id = '29'");
  const std::string junk = "\x89PNG\r\n\x1a\n garbage that is not a PNG stream";
  st.bind_blob(1, junk.data(), junk.size()).run();
  return path;
}

const DemoWorld& demo_world() {
  static DemoWorld world = [] {
    DemoWorld w;
    const std::string tool = std::string(TMF_TOOL_DIR) + "/tmf";
    const std::string dir = std::string(TMF_BINARY_DIR) + "/test-tmp/views/demo";
    // Reuse the world and model of an earlier run made by this very `tmf` binary.
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto stamp = fs::last_write_time(dir + "/model/tmf.json", ec);
    if (!ec && fs::exists(dir + "/electronics.tmfdb") && stamp > fs::last_write_time(tool, ec) && !ec) {
      w.dataset = dir + "/electronics.tmfdb";
      w.model = dir + "/model";
      return w;
    }
    test_dir("demo");
    const std::string gen = "\"" + tool + "\" data generate --preset demo --world electronics --items 60 --users 40 --out \"" +
                            dir + "\" --force --quiet > \"" + dir + "/generate.log\" 2>&1";
    if (std::system(gen.c_str()) != 0) {
      w.error = "tmf data generate failed (see " + dir + "/generate.log)";
      return w;
    }
    w.dataset = dir + "/electronics.tmfdb";
    const std::string train = "\"" + tool + "\" train --dataset \"" + w.dataset + "\" --out \"" + dir +
                              "/model\" --size tiny --device cpu > \"" + dir + "/train.log\" 2>&1";
    if (std::system(train.c_str()) != 0) {
      w.error = "tmf train failed (see " + dir + "/train.log)";
      return w;
    }
    w.model = dir + "/model";
    return w;
  }();
  return world;
}

bool wait_until(const std::function<bool()>& pred, int timeout_ms) {
  QElapsedTimer t;
  t.start();
  while (!pred()) {
    if (t.elapsed() > timeout_ms) return false;
    QApplication::processEvents(QEventLoop::AllEvents, 20);
    QThread::msleep(2);
  }
  return true;
}

struct DialogCatcher::Impl {
  QTimer timer;
  QStringList texts;
};

DialogCatcher::DialogCatcher() : impl_(new Impl) {
  impl_->timer.setInterval(10);
  QObject::connect(&impl_->timer, &QTimer::timeout, [this] {
    for (QWidget* w : QApplication::topLevelWidgets()) {
      auto* box = qobject_cast<QMessageBox*>(w);
      if (box && box->isVisible()) {
        impl_->texts << box->text();
        box->done(QMessageBox::Ok);
      }
    }
  });
  impl_->timer.start();
}

DialogCatcher::~DialogCatcher() { delete impl_; }
QStringList DialogCatcher::texts() const { return impl_->texts; }

void save_screenshot(QWidget* w, const QString& name) {
  const QString dir = QStringLiteral(TMF_BINARY_DIR) + QStringLiteral("/screenshots");
  QDir().mkpath(dir);
  w->grab().toImage().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
}

int distinct_colours(const QImage& img) {
  QSet<QRgb> colours;
  for (int y = 0; y < img.height(); y += 3)
    for (int x = 0; x < img.width(); x += 3) colours.insert(img.pixel(x, y));
  return colours.size();
}
