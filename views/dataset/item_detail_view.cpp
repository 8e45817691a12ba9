#include "dataset/item_detail_view.h"

#include <QLabel>
#include <QPixmap>
#include <QPointer>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "background.h"
#include "data/sqlite.h"
#include "loaded_dataset.h"
#include "thumbnail_cache.h"

ItemDetailView::ItemDetailView(QWidget* parent) : QWidget(parent) {
  m_image = new QLabel(tr("Select an item"));
  m_image->setAlignment(Qt::AlignCenter);
  m_image->setMinimumSize(200, 200);
  m_text = new QTextBrowser;
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_image);
  layout->addWidget(m_text, 1);
}

void ItemDetailView::setDataset(std::shared_ptr<const LoadedDataset> dataset) {
  m_dataset = std::move(dataset);
  m_item = 0;
  m_image->setPixmap({});
  m_image->setText(tr("Select an item"));
  m_text->clear();
}

QString ItemDetailView::detailText() const { return m_text->toPlainText(); }

void ItemDetailView::showItem(qint64 id) {
  const tmf::Item* it = m_dataset ? m_dataset->item(id) : nullptr;
  if (!it) return;
  m_item = id;
  QString html = QStringLiteral("<h3>%1</h3><p><b>%2</b> — %3</p><p>%4</p>")
                     .arg(QString::fromStdString(it->name).toHtmlEscaped(),
                          QString::fromStdString(it->brand).toHtmlEscaped(),
                          QString::fromStdString(it->categories).replace(QLatin1Char('|'), QStringLiteral(" › ")).toHtmlEscaped(),
                          QString::fromStdString(it->description).toHtmlEscaped());
  html += tr("<p><b>Behavior counts</b></p><table>");
  try {
    auto st = m_dataset->dataset->db().prepare(
        "SELECT b.name, count(e.id) FROM behaviors b LEFT JOIN events e ON e.behavior_id = b.id AND e.item_id = ? "
        "GROUP BY b.id ORDER BY b.position");
    st.bind(1, int64_t(id));
    while (st.step())
      html += QStringLiteral("<tr><td>%1</td><td align='right'>%2</td></tr>")
                  .arg(QString::fromStdString(st.col_text(0)).toHtmlEscaped()).arg(st.col_int(1));
  } catch (const std::exception& e) {
    html += QStringLiteral("<tr><td>%1</td></tr>").arg(QString::fromStdString(e.what()).toHtmlEscaped());
  }
  html += QStringLiteral("</table><p><small>attributes: %1<br>id %2, external id %3</small></p>")
              .arg(QString::fromStdString(it->attrs).toHtmlEscaped()).arg(id)
              .arg(QString::fromStdString(it->external_id).toHtmlEscaped());
  m_text->setHtml(html);
  m_image->setPixmap({});
  if (it->image_format.empty()) {
    m_image->setText(tr("(no image)"));
    return;
  }
  m_image->setText(tr("decoding…"));
  const std::string path = m_dataset->path.toStdString();
  runInBackground<QImage>(
      this,
      [path, id] {
        tmf::Dataset ds = tmf::Dataset::open(path, /*read_only=*/true);
        return ThumbnailCache::decodeThumbnail(ds.item_image(id), 256, "of item " + std::to_string(id));
      },
      [this, id](std::shared_ptr<QImage> img) {
        if (id == m_item) m_image->setPixmap(QPixmap::fromImage(*img));
      },
      [this, id](const QString& error) {
        if (id == m_item) m_image->setText(tr("Image cannot be shown:\n%1").arg(error));
      });
}
