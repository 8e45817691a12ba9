#include "experiments/experiment_table.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "util/mean_std.h"

namespace {
const char* const kLevels[] = {"text", "behavior", "amsa", "cma"};

int levelRank(const std::string& level) {
  for (int i = 0; i < 4; ++i)
    if (level == kLevels[i]) return i;
  return 4;
}

QString modelLabel(const tmf::EvalRun& r, PaperTable table) {
  if (r.model_kind == "tmf") return table == PaperTable::Table2 ? QStringLiteral("TMF") : QStringLiteral("TMF (%1)").arg(QString::fromStdString(r.level));
  return QString::fromStdString(r.model_kind).toUpper();
}
}  // namespace

std::vector<ExperimentRow> aggregateRuns(const QString& dataset, const std::vector<tmf::EvalRun>& runs, PaperTable table,
                                         const QString& part) {
  struct Group {
    ExperimentRow row;
    std::vector<double> hit, valid;
    int order = 0;
  };
  std::map<std::string, Group> groups;
  for (const tmf::EvalRun& r : runs) {
    if (QString::fromStdString(r.part) != part || r.stats.n == 0) continue;
    const bool tmf = r.model_kind == "tmf";
    if (table == PaperTable::Table3 && !tmf) continue;
    if (table == PaperTable::Table2 && tmf && r.level != "cma") continue;
    const std::string key = r.model_kind + "/" + (tmf ? r.level : std::string());
    Group& g = groups[key];
    g.row.dataset = dataset;
    g.row.model = modelLabel(r, table);
    g.row.level = QString::fromStdString(r.level);
    g.row.part = part;
    g.row.rows += r.stats.n;
    g.order = tmf ? 100 + levelRank(r.level) : 0;
    g.hit.push_back(r.stats.hit_rate_all());
    g.valid.push_back(r.stats.valid_ratio());
  }
  std::vector<std::pair<int, ExperimentRow>> sorted;
  for (auto& [key, g] : groups) {
    g.row.seeds = int(g.hit.size());
    std::tie(g.row.hitMean, g.row.hitStd) = tmf::mean_std(g.hit);
    std::tie(g.row.validMean, g.row.validStd) = tmf::mean_std(g.valid);
    sorted.emplace_back(g.order, g.row);
  }
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second.model < b.second.model;
  });
  std::vector<ExperimentRow> out;
  for (auto& s : sorted) out.push_back(s.second);
  return out;
}

ExperimentTableModel::ExperimentTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void ExperimentTableModel::setRows(std::vector<ExperimentRow> rows) {
  beginResetModel();
  m_rows = std::move(rows);
  endResetModel();
}

int ExperimentTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int ExperimentTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant ExperimentTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const ExperimentRow& r = m_rows[size_t(index.row())];
  auto pm = [](double m, double s) { return QStringLiteral("%1 ± %2").arg(m, 0, 'f', 3).arg(s, 0, 'f', 3); };
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
      case Dataset: return r.dataset;
      case Model: return r.model;
      case Seeds: return r.seeds;
      case HitRate: return pm(r.hitMean, r.hitStd);
      case ValidRatio: return pm(r.validMean, r.validStd);
      case Rows: return qlonglong(r.rows);
    }
  }
  if (role == MeanRole) return index.column() == HitRate ? r.hitMean : index.column() == ValidRatio ? r.validMean : QVariant();
  if (role == StdRole) return index.column() == HitRate ? r.hitStd : index.column() == ValidRatio ? r.validStd : QVariant();
  if (role == Qt::TextAlignmentRole && index.column() >= Seeds) return int(Qt::AlignRight | Qt::AlignVCenter);
  return {};
}

QVariant ExperimentTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char* kNames[] = {"Dataset", "Model", "Seeds", "HitRate@1", "ValidRatio", "Rows"};
  return section >= 0 && section < ColumnCount ? QString::fromLatin1(kNames[section]) : QVariant();
}

QString ExperimentTableModel::toCsv() const {
  QString out = QStringLiteral("dataset,model,level,part,seeds,rows,hit_rate_mean,hit_rate_std,valid_ratio_mean,valid_ratio_std\n");
  for (const ExperimentRow& r : m_rows)
    out += QStringLiteral("\"%1\",\"%2\",%3,%4,%5,%6,%7,%8,%9,%10\n")
               .arg(QString(r.dataset).replace(QLatin1Char('"'), QStringLiteral("\"\"")),
                    QString(r.model).replace(QLatin1Char('"'), QStringLiteral("\"\"")), r.level, r.part)
               .arg(r.seeds).arg(r.rows)
               .arg(r.hitMean, 0, 'f', 6).arg(r.hitStd, 0, 'f', 6).arg(r.validMean, 0, 'f', 6).arg(r.validStd, 0, 'f', 6);
  return out;
}
