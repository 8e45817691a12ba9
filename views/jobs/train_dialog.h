// Train a TMF model from the app: the options of `tmf train` the analyst picks most (dataset,
// ablation level, recipe size, seed, device, output folder) with the CLI's defaults. The request
// becomes the command line a CliJob runs; the same output folder started again resumes a
// cancelled or killed run from its checkpoints.
#pragma once
#include <QDialog>
#include <QStringList>

class QComboBox;
class QLineEdit;
class QSpinBox;

struct TrainRequest {
  QString dataset;
  QString out;
  QString level = QStringLiteral("cma");     // text | behavior | amsa | cma
  QString size = QStringLiteral("default");  // default | demo | tiny
  int seed = 42;
  QString device = QStringLiteral("auto");
  QStringList arguments() const;  // tmf train ...
  // "<dataset folder>/<dataset name>.tmf" (cma) or "...-<level>.tmf".
  static QString defaultOut(const QString& dataset, const QString& level);
};

class TrainDialog : public QDialog {
  Q_OBJECT
 public:
  explicit TrainDialog(const QString& dataset, QWidget* parent = nullptr);
  TrainRequest request() const;
  void setRequest(const TrainRequest& r);
  void accept() override;  // refuses an empty dataset or output folder with a message

 private:
  QLineEdit* m_dataset;
  QComboBox* m_level;
  QComboBox* m_size;
  QSpinBox* m_seed;
  QComboBox* m_device;
  QLineEdit* m_out;
  bool m_outEdited = false;
};
