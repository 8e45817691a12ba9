// Offscreen tests of rater mode and the ratings panel (QT_QPA_PLATFORM=offscreen is set by ctest):
// rating by keyboard with the stored rows checked, blinding of every rater-facing string, and the
// panel's study set-up, sources (CSV and a worker-thread producer), results, exports and the
// bubble chart screenshot.
#include <gtest/gtest.h>

#include <QAbstractButton>
#include <QApplication>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QListWidget>
#include <QSignalSpy>
#include <QTest>
#include <filesystem>
#include <map>
#include <unordered_map>

#include "data/candidates.h"
#include "data/sqlite.h"
#include "rating/bubble_chart.h"
#include "rating/rater_session.h"
#include "rating/rater_window.h"
#include "rating/ratings_panel.h"
#include "rating/rating_stats_model.h"
#include "rating_fixture.h"

using namespace tmf;
using namespace tmf::rating_test;

namespace {
QApplication* app() {
  static int argc = 1;
  static char name[] = "rating_gui_test";
  static char* argv[] = {name, nullptr};
  static QApplication* a = new QApplication(argc, argv);
  return a;
}

int stored_score(const std::string& path, const std::string& rater, const RaterTask& t) {
  Dataset ds = Dataset::open(path);
  auto st = ds.db().prepare(
      "SELECT coalesce(r.score, 0) FROM ratings r JOIN rating_raters t ON t.id = r.rater_id WHERE t.name = ? AND "
      "r.sequence_id = ? AND r.item_id = ?");
  st.bind_all(rater, t.sequence_id, t.item_id);
  return st.step() ? int(st.col_int(0)) : -1;
}

// Every string a rater can see or a screen reader can read in the window.
QStringList visible_strings(QWidget* w) {
  QStringList out{w->windowTitle(), w->toolTip()};
  QList<QWidget*> all = w->findChildren<QWidget*>();
  all << w;
  for (QWidget* c : all) {
    out << c->toolTip() << c->statusTip() << c->whatsThis() << c->accessibleName() << c->accessibleDescription()
        << c->windowTitle();
    if (auto* l = qobject_cast<QLabel*>(c)) out << l->text();
    if (auto* b = qobject_cast<QAbstractButton*>(c)) out << b->text();
    if (auto* g = qobject_cast<QGroupBox*>(c)) out << g->title();
    if (auto* lw = qobject_cast<QListWidget*>(c))
      for (int i = 0; i < lw->count(); ++i) out << lw->item(i)->text() << lw->item(i)->toolTip();
  }
  return out;
}

// A CSV of user -> item: the candidate at `pos` of each test row (or the truth when pos < 0).
std::string candidates_csv(const Dataset& ds, int pos) {
  std::string csv = "user,item\n";
  for (auto& c : load_candidates(ds, candidate_set_id(ds, "default", "default"), "test")) {
    const int64_t item = pos < 0 ? c.truth() : c.items[size_t(pos)];
    csv += ds.user_external_id(c.user_id) + "," + ds.item(item).external_id + "\n";
  }
  return csv;
}
}  // namespace

TEST(RaterWindow, RatesByKeyboardAndStoresEveryRating) {
  app();
  TempDir dir;
  const std::string path = make_rating_dataset(dir.file("a.tmfdb"));
  {
    Dataset ds = Dataset::open(path);
    make_study(ds, 4, {"ann"});
  }
  RaterSession order(path, "s", "ann");  // the same order the window uses
  RaterWindow w;
  ASSERT_TRUE(w.openSession(QString::fromStdString(path), "s", "ann")) << w.errorString().toStdString();
  w.show();
  ASSERT_EQ(w.taskCount(), 6);
  EXPECT_EQ(w.currentIndex(), 0);
  QTest::keyClick(&w, Qt::Key_4);
  EXPECT_EQ(w.currentIndex(), 1);
  QTest::keyClick(&w, Qt::Key_Right);  // skip
  QTest::keyClick(&w, Qt::Key_2);
  EXPECT_EQ(w.currentIndex(), 3);
  QTest::keyClick(&w, Qt::Key_Left);   // back to task 2 and change the rating
  EXPECT_EQ(w.currentIndex(), 2);
  QTest::keyClick(&w, Qt::Key_5);
  QTest::keyClick(&w, Qt::Key_1);
  QTest::keyClick(&w, Qt::Key_9);      // not a rating: nothing happens
  EXPECT_EQ(w.currentIndex(), 4);
  EXPECT_EQ(stored_score(path, "ann", order.task(0)), 4);
  EXPECT_EQ(stored_score(path, "ann", order.task(1)), 0);  // skipped
  EXPECT_EQ(stored_score(path, "ann", order.task(2)), 5);
  EXPECT_EQ(stored_score(path, "ann", order.task(3)), 1);
  EXPECT_EQ(stored_score(path, "ann", order.task(4)), -1);
  EXPECT_EQ(w.ratedCount(), 3);
  w.close();

  RaterWindow again;  // resume later: a new window starts at the first unrated task
  ASSERT_TRUE(again.openSession(QString::fromStdString(path), "s", "ann"));
  EXPECT_EQ(again.currentIndex(), 4);
  QSignalSpy done(&again, &RaterWindow::finished);
  QTest::keyClick(&again, Qt::Key_3);
  QTest::keyClick(&again, Qt::Key_3);
  EXPECT_EQ(again.currentIndex(), 1);  // past the end: back to the skipped one
  QTest::keyClick(&again, Qt::Key_2);
  EXPECT_TRUE(again.isFinished());
  EXPECT_EQ(done.count(), 1);
  EXPECT_EQ(stored_score(path, "ann", order.task(1)), 2);
  Dataset ds = Dataset::open(path);
  EXPECT_EQ(ds.db().scalar_int("SELECT count(*) FROM ratings"), 6);

  RaterWindow bad;
  EXPECT_FALSE(bad.openSession(QString::fromStdString(path), "s", "nobody"));
  EXPECT_TRUE(bad.errorString().contains("nobody"));
}

TEST(RaterWindow, NoRaterFacingStringNamesASource) {
  app();
  TempDir dir;
  const std::string path = make_rating_dataset(dir.file("a.tmfdb"));
  {
    Dataset ds = Dataset::open(path);
    make_study(ds, 6, {"ann"});
  }
  RaterWindow w;
  ASSERT_TRUE(w.openSession(QString::fromStdString(path), "s", "ann"));
  w.show();
  const QStringList forbidden = {kSourceA, kSourceB, kOriginA, "secret-alpha", "secret-beta", "tmf", "baseline",
                                 QString::fromStdString(dir.path())};
  int checked = 0;
  while (!w.isFinished()) {
    QApplication::processEvents();
    for (const QString& s : visible_strings(&w))
      for (const QString& bad : forbidden) {
        EXPECT_FALSE(s.contains(bad, Qt::CaseInsensitive)) << "'" << s.toStdString() << "' contains " << bad.toStdString();
        ++checked;
      }
    QTest::keyClick(&w, Qt::Key_3);
  }
  EXPECT_GT(checked, 100);
  for (const QString& s : visible_strings(&w))  // the final page too
    for (const QString& bad : forbidden) EXPECT_FALSE(s.contains(bad, Qt::CaseInsensitive));
}

TEST(RatingsPanel, StudySourcesResultsExportsAndChart) {
  app();
  TempDir dir;
  const std::string path = make_rating_dataset(dir.file("a.tmfdb"));
  {
    Dataset ds = Dataset::open(path);
    dir.write("first.csv", candidates_csv(ds, 0));
    dir.write("truth.csv", candidates_csv(ds, -1));
  }
  RatingsPanel panel;
  panel.setInteractive(false);
  panel.resize(1200, 800);
  panel.show();
  panel.setDataset(QString::fromStdString(path));
  ASSERT_TRUE(panel.errorString().isEmpty()) << panel.errorString().toStdString();
  EXPECT_FALSE(panel.createStudy("bad", 10, 1, {"ann"}, "no-such-split"));
  EXPECT_TRUE(panel.errorString().contains("no-such-split"));
  ASSERT_TRUE(panel.createStudy("study", 12, 5, {"ann", "bob", "cy"}));
  EXPECT_EQ(panel.currentStudy(), "study");
  ASSERT_TRUE(panel.addCsvSource("MBHT-like", QString::fromStdString(dir.file("first.csv")), "baseline"));
  ASSERT_TRUE(panel.addCsvSource("Oracle", QString::fromStdString(dir.file("truth.csv"))));
  EXPECT_FALSE(panel.addCsvSource("Oracle", QString::fromStdString(dir.file("truth.csv"))));  // name taken

  // A producer on the worker thread: the second candidate of each sequence (real candidate rows).
  panel.setTmfRecommender([](const Dataset& ds, int64_t study, const std::string&, const Progress& progress) {
    std::unordered_map<int64_t, CandidateRow> rows;
    for (auto& c : load_candidates(ds, candidate_set_id(ds, "default", "default"), "test")) rows[c.row_id] = c;
    std::vector<Recommendation> out;
    auto seqs = study_sequences(ds, study);
    for (size_t i = 0; i < seqs.size(); ++i) {
      progress.report("recommend", double(i + 1), double(seqs.size()));
      out.push_back({seqs[i].id, rows.at(seqs[i].split_row_id).items[1]});
    }
    return out;
  });
  QSignalSpy done(&panel, &RatingsPanel::tmfSourceDone);
  ASSERT_TRUE(panel.addTmfSource("Second", QString::fromStdString(dir.file("pkg"))));
  ASSERT_TRUE(done.wait(10000));
  EXPECT_TRUE(done.at(0).at(0).toBool()) << done.at(0).at(1).toString().toStdString();
  EXPECT_FALSE(panel.isBusy());

  const char* raters[3] = {"ann", "bob", "cy"};
  for (int r = 0; r < 3; ++r) {
    RaterSession s(path, "study", raters[r]);
    for (int i = 0; i < s.size(); ++i) s.rate(i, int((s.task(i).item_id + r / 2) % 5) + 1);
  }
  panel.refreshResults();
  const auto& rows = panel.statsModel()->rows();
  ASSERT_EQ(rows.size(), 3u);
  for (auto& r : rows) {
    EXPECT_EQ(r.ratings, 3 * 12);
    EXPECT_EQ(r.kappa_subjects, 12);
  }
  EXPECT_EQ(panel.statsModel()->rowCount(), 3);
  EXPECT_EQ(panel.chart()->rows().size(), 3u);

  // Exports
  const QString out = QString::fromStdString(dir.path());
  ASSERT_TRUE(panel.exportResults(out + "/t4.csv"));
  ASSERT_TRUE(panel.exportResults(out + "/t4.json"));
  ASSERT_TRUE(panel.exportRatings(out + "/ratings.csv"));
  ASSERT_TRUE(panel.exportChart(out + "/fig5.svg"));
  ASSERT_TRUE(panel.exportChart(out + "/fig5.png"));
  for (const char* f : {"/t4.csv", "/t4.json", "/ratings.csv", "/fig5.svg", "/fig5.png"}) {
    QFile file(out + f);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly)) << f;
    EXPECT_GT(file.size(), 100) << f;
  }
  QImage png(out + "/fig5.png");
  EXPECT_EQ(png.size(), QSize(900, 520));
  QFile svg(out + "/fig5.svg");
  svg.open(QIODevice::ReadOnly);
  EXPECT_TRUE(svg.readAll().contains("<svg"));

  // Import the exported ratings back: everything unchanged, no conflict.
  QString report;
  ASSERT_TRUE(panel.importRatings(out + "/ratings.csv", false, &report));
  int64_t n_ratings = 0;
  {
    Dataset ds = Dataset::open(path);
    n_ratings = ds.db().scalar_int("SELECT count(*) FROM ratings");
  }
  EXPECT_GT(n_ratings, 12 * 3);
  EXPECT_TRUE(report.startsWith(QStringLiteral("%1 rows: 0 added, %1 unchanged").arg(n_ratings))) << report.toStdString();
  EXPECT_TRUE(report.contains("0 conflicts")) << report.toStdString();

  // Rater mode from the panel, and the screenshot of Fig. 5.
  RaterWindow* w = panel.startRating("ann");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->taskCount(), w->ratedCount());
  w->close();
  EXPECT_EQ(panel.startRating("nobody"), nullptr);
  QApplication::processEvents();
  QImage shot = panel.chart()->renderImage(QSize(900, 520));
  EXPECT_FALSE(shot.isNull());
  shot.save(QString::fromStdString(std::string(TMF_BINARY_DIR) + "/screenshot-rating-bubble-chart.png"));
  panel.grab().toImage().save(QString::fromStdString(std::string(TMF_BINARY_DIR) + "/screenshot-ratings-panel.png"));

  panel.setDataset(QString::fromStdString(dir.file("missing.tmfdb")));
  EXPECT_FALSE(panel.errorString().isEmpty());
  EXPECT_EQ(panel.statsModel()->rowCount(), 0);
}
