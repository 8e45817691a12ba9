// Details of one item: its image (decoded off the UI thread), name, brand, categories,
// description and attributes, and how often each behavior occurs with it in the dataset.
#pragma once
#include <QWidget>
#include <memory>

struct LoadedDataset;
class QLabel;
class QTextBrowser;

class ItemDetailView : public QWidget {
  Q_OBJECT
 public:
  explicit ItemDetailView(QWidget* parent = nullptr);
  void setDataset(std::shared_ptr<const LoadedDataset> dataset);
  void showItem(qint64 id);
  qint64 item() const { return m_item; }
  QString detailText() const;

 private:
  std::shared_ptr<const LoadedDataset> m_dataset;
  qint64 m_item = 0;
  QLabel* m_image;
  QTextBrowser* m_text;
};
