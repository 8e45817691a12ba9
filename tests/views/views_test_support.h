// Shared helpers of the offscreen view tests: the QApplication, a small dataset written with
// DatasetWriter, the demo world and a tiny trained TMF package made once per test executable with
// the `tmf` CLI, a catcher for modal dialogs, and screenshots under the build folder.
#pragma once
#include <QString>
#include <QStringList>
#include <functional>
#include <string>

class QApplication;
class QWidget;

QApplication* test_app();
std::string test_dir(const std::string& name);  // a fresh folder under the build tree
// 30 items (every third with an image, item 29 with bytes that are not an image), 5 users,
// behaviors view/cart/purchase (target purchase).
std::string make_small_dataset(const std::string& dir);

struct DemoWorld {
  std::string dataset;  // electronics.tmfdb (60 items, 40 users)
  std::string model;    // a tiny TMF package trained on it ("" when training failed)
  std::string error;
};
const DemoWorld& demo_world();  // generated and trained on first use

// Processes events until pred() holds or timeout_ms passes; returns pred().
bool wait_until(const std::function<bool()>& pred, int timeout_ms = 10000);

// Closes every modal message box that appears while it lives and records its text.
class DialogCatcher {
 public:
  DialogCatcher();
  ~DialogCatcher();
  QStringList texts() const;

 private:
  struct Impl;
  Impl* impl_;
};

void save_screenshot(QWidget* w, const QString& name);  // <build>/screenshots/<name>.png
// Number of distinct colours in a sample grid of the image: > a few means a non-trivial picture.
int distinct_colours(const class QImage& img);
