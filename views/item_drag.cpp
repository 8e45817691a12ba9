#include "item_drag.h"

#include <QMimeData>
#include <QStringList>

QString itemIdsMimeType() { return QStringLiteral("application/x-tmf-item-ids"); }

QMimeData* itemIdsMime(const QModelIndexList& indexes, int idRole) {
  QStringList ids;
  for (const QModelIndex& i : indexes)
    if (i.isValid()) ids << QString::number(i.data(idRole).toLongLong());
  auto* mime = new QMimeData;
  mime->setData(itemIdsMimeType(), ids.join(QLatin1Char('\n')).toUtf8());
  return mime;
}

QList<qint64> itemIdsFromMime(const QMimeData* mime) {
  QList<qint64> out;
  if (!mime || !mime->hasFormat(itemIdsMimeType())) return out;
  for (const QByteArray& line : mime->data(itemIdsMimeType()).split('\n')) {
    bool ok = false;
    const qint64 id = line.trimmed().toLongLong(&ok);
    if (ok) out << id;
  }
  return out;
}
