#include "rating/rater_window.h"

#include <QBoxLayout>
#include <QButtonGroup>
#include <QGroupBox>
#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>

#include "rating/rater_session.h"
#include "util/error.h"

namespace {
constexpr int kThumb = 48;
constexpr int kImage = 160;

QPixmap itemPixmap(const tmf::Dataset& ds, int64_t itemId, int size) {
  std::vector<uint8_t> bytes = ds.item_image(itemId);
  QImage img;
  if (!bytes.empty()) img.loadFromData(bytes.data(), int(bytes.size()));
  if (img.isNull()) {
    QPixmap blank(size, size);
    blank.fill(QColor(0xe0, 0xe0, 0xe0));
    return blank;
  }
  return QPixmap::fromImage(img.scaled(size, size, Qt::KeepAspectRatio, Qt::SmoothTransformation));
}

QString itemText(const tmf::Item& it) {
  QStringList parts;
  if (!it.brand.empty()) parts << QStringLiteral("Brand: %1").arg(QString::fromStdString(it.brand));
  if (!it.categories.empty())
    parts << QStringLiteral("Category: %1").arg(QString::fromStdString(it.categories).replace('|', QStringLiteral(" › ")));
  if (!it.description.empty()) parts << QString::fromStdString(it.description);
  return parts.join('\n');
}
}  // namespace

QString RaterWindow::anchorText(int score) {
  switch (score) {
    case 1: return tr("Totally irrelevant");
    case 2: return tr("Mostly irrelevant");
    case 3: return tr("Neutral");
    case 4: return tr("Relevant");
    case 5: return tr("Tightly relevant");
  }
  return {};
}

RaterWindow::RaterWindow(QWidget* parent) : QWidget(parent) {
  setWindowTitle(tr("Rate recommendations"));
  setFocusPolicy(Qt::StrongFocus);
  auto* outer = new QVBoxLayout(this);
  m_pages = new QStackedWidget(this);
  outer->addWidget(m_pages);

  m_message = new QLabel(tr("No rating session is open."), this);
  m_message->setAlignment(Qt::AlignCenter);
  m_message->setWordWrap(true);
  m_pages->addWidget(m_message);

  auto* page = new QWidget(this);
  auto* v = new QVBoxLayout(page);
  auto* top = new QHBoxLayout;
  m_progressText = new QLabel(page);
  m_progress = new QProgressBar(page);
  m_progress->setTextVisible(false);
  top->addWidget(m_progressText);
  top->addWidget(m_progress, 1);
  v->addLayout(top);

  auto* middle = new QHBoxLayout;
  auto* histBox = new QGroupBox(tr("What this shopper did (oldest first)"), page);
  auto* hv = new QVBoxLayout(histBox);
  m_history = new QListWidget(histBox);
  m_history->setIconSize(QSize(kThumb, kThumb));
  m_history->setFocusPolicy(Qt::NoFocus);
  m_history->setSelectionMode(QAbstractItemView::NoSelection);
  hv->addWidget(m_history);
  middle->addWidget(histBox, 3);

  auto* recBox = new QGroupBox(tr("Recommended item"), page);
  auto* rv = new QVBoxLayout(recBox);
  m_image = new QLabel(recBox);
  m_image->setFixedSize(kImage, kImage);
  m_image->setAlignment(Qt::AlignCenter);
  m_title = new QLabel(recBox);
  m_title->setWordWrap(true);
  QFont f = m_title->font();
  f.setBold(true);
  f.setPointSizeF(f.pointSizeF() * 1.2);
  m_title->setFont(f);
  m_text = new QLabel(recBox);
  m_text->setWordWrap(true);
  m_text->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  rv->addWidget(m_image, 0, Qt::AlignHCenter);
  rv->addWidget(m_title);
  rv->addWidget(m_text, 1);
  middle->addWidget(recBox, 2);
  v->addLayout(middle, 1);

  v->addWidget(new QLabel(tr("Given this sequence, how likely is the shopper to buy the recommended item?"), page));
  auto* scale = new QHBoxLayout;
  m_scores = new QButtonGroup(this);
  m_scores->setExclusive(true);
  for (int s = 1; s <= 5; ++s) {
    auto* b = new QPushButton(QStringLiteral("%1\n%2").arg(s).arg(anchorText(s)), page);
    b->setCheckable(true);
    b->setFocusPolicy(Qt::NoFocus);
    b->setMinimumHeight(48);
    m_scores->addButton(b, s);
    scale->addWidget(b);
  }
  connect(m_scores, &QButtonGroup::idClicked, this, &RaterWindow::rate);
  v->addLayout(scale);

  auto* nav = new QHBoxLayout;
  m_back = new QPushButton(tr("← Back"), page);
  m_skip = new QPushButton(tr("Skip →"), page);
  for (auto* b : {m_back, m_skip}) b->setFocusPolicy(Qt::NoFocus);
  connect(m_back, &QPushButton::clicked, this, &RaterWindow::back);
  connect(m_skip, &QPushButton::clicked, this, &RaterWindow::skip);
  auto* later = new QPushButton(tr("Resume later"), page);
  later->setFocusPolicy(Qt::NoFocus);
  later->setToolTip(tr("Every rating is already saved; reopen to continue where you stopped"));
  connect(later, &QPushButton::clicked, this, &QWidget::close);
  m_status = new QLabel(page);
  nav->addWidget(m_back);
  nav->addWidget(m_skip);
  nav->addWidget(m_status, 1);
  nav->addWidget(later);
  v->addLayout(nav);
  v->addWidget(new QLabel(tr("Keys: 1-5 rate · ← or Backspace back · → or S skip"), page));
  m_pages->addWidget(page);

  auto* done = new QLabel(tr("All recommendations are rated. Thank you!\nYou can still go back (←) to change a rating."), this);
  done->setAlignment(Qt::AlignCenter);
  m_pages->addWidget(done);
  resize(900, 600);
}

RaterWindow::~RaterWindow() = default;

bool RaterWindow::openSession(const QString& datasetPath, const QString& study, const QString& rater) {
  try {
    m_session = std::make_unique<tmf::RaterSession>(datasetPath.toStdString(), study.toStdString(), rater.toStdString());
  } catch (const std::exception& e) {
    m_session.reset();
    m_error = QString::fromStdString(e.what());
    m_message->setText(tr("Cannot open the rating session:\n%1").arg(m_error));
    m_pages->setCurrentIndex(0);
    return false;
  }
  m_error.clear();
  setWindowTitle(tr("Rate recommendations — %1").arg(rater));
  showTask(m_session->resume_index());
  return true;
}

int RaterWindow::taskCount() const { return m_session ? m_session->size() : 0; }
int RaterWindow::ratedCount() const { return m_session ? m_session->rated() : 0; }
bool RaterWindow::isFinished() const { return m_session && m_index >= m_session->size(); }

void RaterWindow::showTask(int index) {
  if (!m_session) return;
  m_index = std::max(0, std::min(index, m_session->size()));
  updateProgress();
  if (m_index >= m_session->size()) {
    m_pages->setCurrentIndex(2);
    Q_EMIT finished();
    return;
  }
  m_pages->setCurrentIndex(1);
  const tmf::RaterTask& t = m_session->task(m_index);
  const tmf::Dataset& ds = m_session->dataset();
  m_history->clear();
  for (const auto& step : t.history) {
    auto* it = new QListWidgetItem(QIcon(itemPixmap(ds, step.item.id, kThumb)),
                                   QStringLiteral("%1  ·  %2").arg(QString::fromStdString(step.behavior),
                                                                   QString::fromStdString(step.item.name)));
    it->setToolTip(itemText(step.item));
    m_history->addItem(it);
  }
  m_history->scrollToBottom();
  m_image->setPixmap(itemPixmap(ds, t.recommended.id, kImage));
  m_title->setText(QString::fromStdString(t.recommended.name));
  m_text->setText(itemText(t.recommended));
  const int score = m_session->score(m_index);
  m_scores->setExclusive(false);
  for (auto* b : m_scores->buttons()) b->setChecked(m_scores->id(b) == score);
  m_scores->setExclusive(true);
  m_back->setEnabled(m_index > 0);
}

void RaterWindow::updateProgress() {
  if (!m_session) return;
  const int n = m_session->size();
  m_progress->setRange(0, n);
  m_progress->setValue(m_session->rated());
  m_progressText->setText(tr("Item %1 of %2 · %3 rated · %4 skipped")
                              .arg(std::min(m_index + 1, n))
                              .arg(n)
                              .arg(m_session->rated())
                              .arg(m_session->skipped()));
}

void RaterWindow::setStatus(const QString& text, bool error) {
  m_status->setText(text);
  m_status->setStyleSheet(error ? QStringLiteral("color: #b00020") : QString());
}

void RaterWindow::rate(int score) {
  if (!m_session || m_index >= m_session->size()) return;
  try {
    m_session->rate(m_index, score);
  } catch (const std::exception& e) {
    setStatus(tr("Not saved: %1").arg(QString::fromStdString(e.what())), true);
    showTask(m_index);
    return;
  }
  setStatus(tr("Saved %1 (%2)").arg(score).arg(anchorText(score)), false);
  Q_EMIT rated(m_index, score);
  showNext();
}

void RaterWindow::skip() {
  if (!m_session || m_index >= m_session->size()) return;
  try {
    m_session->skip(m_index);
  } catch (const std::exception& e) {
    setStatus(tr("Not saved: %1").arg(QString::fromStdString(e.what())), true);
    return;
  }
  setStatus(tr("Skipped; it comes back at the end"), false);
  showNext();
}

void RaterWindow::showNext() {
  // The next task after this one (wrapping around) that has no rating: unrated ones first, then
  // skipped ones; none left shows the end page.
  const int n = m_session->size();
  for (int want : {tmf::RaterSession::kUnrated, tmf::RaterSession::kSkipped})
    for (int k = 1; k < n; ++k) {
      const int i = (m_index + k) % n;
      if (m_session->score(i) == want) {
        showTask(i);
        return;
      }
    }
  showTask(n);
}

void RaterWindow::back() {
  if (!m_session || m_index == 0) return;
  setStatus(QString(), false);
  showTask(m_index - 1);
}

void RaterWindow::keyPressEvent(QKeyEvent* e) {
  const int k = e->key();
  if (k >= Qt::Key_1 && k <= Qt::Key_5) {
    rate(k - Qt::Key_0);
  } else if (k == Qt::Key_Left || k == Qt::Key_Backspace) {
    back();
  } else if (k == Qt::Key_Right || k == Qt::Key_S) {
    skip();
  } else {
    QWidget::keyPressEvent(e);
    return;
  }
  e->accept();
}
