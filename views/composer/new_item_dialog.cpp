#include "composer/new_item_dialog.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QPushButton>
#include <exception>

#include "thumbnail_cache.h"

NewItemDialog::NewItemDialog(QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("New synthetic item"));
  m_name = new QLineEdit;
  m_name->setPlaceholderText(tr("e.g. Voltix X42 Kids Headphones"));
  m_text = new QPlainTextEdit;
  m_text->setPlaceholderText(tr("Brand, category and a description: the item's text modality"));
  m_preview = new QLabel(tr("no image"));
  m_preview->setFixedSize(128, 128);
  m_preview->setAlignment(Qt::AlignCenter);
  m_preview->setFrameShape(QFrame::StyledPanel);
  m_status = new QLabel;
  m_status->setWordWrap(true);
  m_status->setStyleSheet(QStringLiteral("color: #b00020"));
  auto* choose = new QPushButton(tr("Choose image…"));
  connect(choose, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Item image"), QString(),
                                                      tr("Images (*.png *.jpg *.jpeg);;All files (*)"));
    if (path.isEmpty()) return;
    QString error;
    if (!setImageFile(path, &error)) m_status->setText(error);
  });
  auto* form = new QFormLayout(this);
  form->addRow(tr("Name"), m_name);
  form->addRow(tr("Text"), m_text);
  form->addRow(choose, m_preview);
  form->addRow(m_status);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  connect(buttons, &QDialogButtonBox::accepted, this, &NewItemDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  form->addRow(buttons);
}

QString NewItemDialog::name() const { return m_name->text().trimmed(); }
QString NewItemDialog::text() const { return m_text->toPlainText(); }
void NewItemDialog::setName(const QString& name) { m_name->setText(name); }
void NewItemDialog::setText(const QString& text) { m_text->setPlainText(text); }

bool NewItemDialog::setImageFile(const QString& path, QString* error) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) {
    if (error) *error = tr("Cannot read '%1': %2").arg(path, f.errorString());
    return false;
  }
  const QByteArray bytes = f.readAll();
  std::vector<uint8_t> data(bytes.begin(), bytes.end());
  try {
    QImage thumb = ThumbnailCache::decodeThumbnail(data, 128, path.toStdString());
    m_preview->setPixmap(QPixmap::fromImage(thumb));
  } catch (const std::exception& e) {
    if (error) *error = tr("'%1' is not a usable image: %2").arg(path, QString::fromStdString(e.what()));
    return false;
  }
  m_image = std::move(data);
  m_status->clear();
  return true;
}

void NewItemDialog::accept() {
  if (name().isEmpty()) {
    m_status->setText(tr("Give the item a name: prompts and answers refer to items by name."));
    return;
  }
  QDialog::accept();
}
