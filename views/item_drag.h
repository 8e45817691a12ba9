// Items dragged between views: the gallery and the user timeline drag item ids, the composer's
// sequence and candidate lists accept them. One MIME type, "application/x-tmf-item-ids", holding
// the dataset item ids one per line.
#pragma once
#include <QList>
#include <QModelIndexList>
#include <QString>

class QMimeData;

QString itemIdsMimeType();
// The ids under `idRole` of the valid indexes, as a new QMimeData (the caller owns it).
QMimeData* itemIdsMime(const QModelIndexList& indexes, int idRole);
// The ids of a drop; empty when it holds none.
QList<qint64> itemIdsFromMime(const QMimeData* mime);
