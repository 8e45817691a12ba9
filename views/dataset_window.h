// The first window of TMF Studio: open a dataset, browse its items with thumbnails and see its
// Table 1 statistics. Errors while opening (not a dataset, newer schema, missing file) are shown
// in a dialog and leave the window as it was. The full studio (composer, inference, attention,
// experiments, ratings) grows from here.
#pragma once
#include <QMainWindow>
#include <memory>

#include "data/dataset.h"

class DatasetStatsModel;
class ItemTableModel;
class QLabel;
class QSortFilterProxyModel;
class QTableView;
class QTabWidget;

class DatasetWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit DatasetWindow(QWidget* parent = nullptr);
  ~DatasetWindow() override;

  // Opens the dataset; on failure shows a dialog (unless quiet) and returns false, keeping the
  // previous dataset open. errorString() holds the reason.
  bool openDataset(const QString& path, bool quiet = false);
  QString errorString() const { return m_error; }
  QTabWidget* tabs() const { return m_tabs; }
  ItemTableModel* itemModel() const { return m_items; }
  DatasetStatsModel* statsModel() const { return m_stats; }

 private:
  void openWithDialog();
  std::unique_ptr<tmf::Dataset> m_dataset;
  QTabWidget* m_tabs = nullptr;
  ItemTableModel* m_items = nullptr;
  QSortFilterProxyModel* m_itemFilter = nullptr;
  DatasetStatsModel* m_stats = nullptr;
  QLabel* m_status = nullptr;
  QString m_error;
};
