// Asks for an analyst's own item: a name, a text (the item's description for the text modality)
// and an image file. The image is read and decoded when accepted; a file that cannot be read or
// decoded keeps the dialog open with the reason shown.
#pragma once
#include <QDialog>
#include <vector>

class QLabel;
class QLineEdit;
class QPlainTextEdit;

class NewItemDialog : public QDialog {
  Q_OBJECT
 public:
  explicit NewItemDialog(QWidget* parent = nullptr);
  QString name() const;
  QString text() const;
  const std::vector<uint8_t>& imageBytes() const { return m_image; }
  // Loads and checks an image file; returns false with a message for unreadable/undecodable files.
  bool setImageFile(const QString& path, QString* error);
  void setName(const QString& name);
  void setText(const QString& text);
  void accept() override;

 private:
  QLineEdit* m_name;
  QPlainTextEdit* m_text;
  QLabel* m_preview;
  QLabel* m_status;
  std::vector<uint8_t> m_image;
};
