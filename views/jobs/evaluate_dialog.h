// Evaluate the open TMF model from the app: `tmf eval` on the open dataset's stored candidate
// set with the decoding mode, split part and number of rows the analyst picks; the run is stored
// in the dataset and lands in the Experiments dock.
#pragma once
#include <QDialog>
#include <QStringList>

class QComboBox;
class QSpinBox;

struct EvaluateRequest {
  QString dataset;
  QString model;
  QString decode = QStringLiteral("free");  // free | constrained | likelihood
  QString part = QStringLiteral("test");    // test | valid
  int limit = 0;                            // rows; 0 = all
  QString device = QStringLiteral("auto");
  QStringList arguments() const;  // tmf eval ... --json
};

class EvaluateDialog : public QDialog {
  Q_OBJECT
 public:
  EvaluateDialog(const QString& dataset, const QString& model, QWidget* parent = nullptr);
  EvaluateRequest request() const;

 private:
  QString m_dataset, m_model;
  QComboBox* m_decode;
  QComboBox* m_part;
  QSpinBox* m_limit;
  QComboBox* m_device;
};
