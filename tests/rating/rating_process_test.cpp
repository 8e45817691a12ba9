// Durability of ratings across processes: a rater process killed with SIGKILL mid-session keeps
// every rating it had committed and leaves an intact file; two rater processes writing to the same
// dataset at once neither lose nor duplicate ratings.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>

#include "data/sqlite.h"
#include "rating/rater_session.h"
#include "rating_fixture.h"

using namespace tmf;
using namespace tmf::rating_test;

namespace {
std::string integrity(const Dataset& ds) {
  auto st = ds.db().prepare("PRAGMA integrity_check");
  return st.step() ? st.col_text(0) : "no row";
}

// Scores of one rater as (sequence, item) -> score, straight from the file.
std::map<std::pair<int64_t, int64_t>, int> stored(const std::string& path, const std::string& rater) {
  Dataset ds = Dataset::open(path);
  std::map<std::pair<int64_t, int64_t>, int> out;
  auto st = ds.db().prepare(
      "SELECT r.sequence_id, r.item_id, r.score FROM ratings r JOIN rating_raters t ON t.id = r.rater_id WHERE t.name = ?");
  st.bind(1, rater);
  while (st.step()) out[{st.col_int(0), st.col_int(1)}] = int(st.col_int(2));
  return out;
}
}  // namespace

TEST(RatingProcess, KilledRaterKeepsEveryCommittedRating) {
  TempDir dir;
  const std::string path = make_rating_dataset(dir.file("a.tmfdb"));
  {
    Dataset ds = Dataset::open(path);
    make_study(ds, 24, {"ann"});
  }
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(fds[0]);
    RaterSession s(path, "s", "ann");
    for (int round = 0;; ++round) {  // rates forever (changing scores) until killed
      for (int i = 0; i < s.size(); ++i) {
        const int score = (i + round) % 5 + 1;
        s.rate(i, score);
        int32_t msg[2] = {i, score};  // reported only after COMMIT returned
        if (::write(fds[1], msg, sizeof msg) != sizeof msg) _exit(3);
      }
    }
  }
  ::close(fds[1]);
  std::map<int, int> confirmed;  // task index -> last confirmed score
  int32_t msg[2];
  for (int n = 0; n < 40 && ::read(fds[0], msg, sizeof msg) == sizeof msg; ++n) confirmed[msg[0]] = msg[1];
  ::kill(pid, SIGKILL);  // the child is in the middle of its next transaction or about to start one
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  // Drain what was confirmed before the kill landed.
  while (::read(fds[0], msg, sizeof msg) == sizeof msg) confirmed[msg[0]] = msg[1];
  ::close(fds[0]);

  {
    Dataset ds = Dataset::open(path);
    EXPECT_EQ(integrity(ds), "ok");
  }
  RaterSession s(path, "s", "ann");
  ASSERT_GE(confirmed.size(), 24u);
  auto rows = stored(path, "ann");
  for (auto& [i, score] : confirmed) {
    auto key = std::make_pair(s.task(i).sequence_id, s.task(i).item_id);
    ASSERT_TRUE(rows.count(key)) << "task " << i << " lost";
    // The last confirmed score, or the next write if the child committed it before dying.
    const int next = score % 5 + 1;
    EXPECT_TRUE(rows[key] == score || rows[key] == next) << "task " << i << ": " << rows[key] << " vs " << score;
  }
  EXPECT_LE(rows.size(), size_t(s.size()));
}

TEST(RatingProcess, TwoRaterProcessesNeitherLoseNorDuplicate) {
  TempDir dir;
  const std::string path = make_rating_dataset(dir.file("a.tmfdb"));
  {
    Dataset ds = Dataset::open(path);
    make_study(ds, 24, {"ann", "bob", "shared"});
  }
  int n_tasks = 0;
  {
    RaterSession s(path, "s", "ann");
    n_tasks = s.size();
  }
  auto child = [&](const std::string& own, int salt) {
    pid_t pid = fork();
    if (pid != 0) return pid;
    try {
      RaterSession mine(path, "s", own);
      RaterSession shared(path, "s", "shared");
      for (int i = 0; i < mine.size(); ++i) {
        mine.rate(i, (i + salt) % 5 + 1);
        shared.rate(i, 3);  // both processes rate the same rater's tasks at the same time
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "child %s: %s\n", own.c_str(), e.what());
      _exit(1);
    }
    _exit(0);
  };
  pid_t a = child("ann", 0), b = child("bob", 2);
  ASSERT_GT(a, 0);
  ASSERT_GT(b, 0);
  for (pid_t p : {a, b}) {
    int status = 0;
    waitpid(p, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child failed";
  }
  Dataset ds = Dataset::open(path);
  EXPECT_EQ(integrity(ds), "ok");
  EXPECT_EQ(ds.db().scalar_int("SELECT count(*) FROM ratings"), 3 * n_tasks);
  EXPECT_EQ(ds.db().scalar_int("SELECT count(*) FROM (SELECT DISTINCT rater_id, sequence_id, item_id FROM ratings)"),
            3 * n_tasks);
  RaterSession ann(path, "s", "ann"), bob(path, "s", "bob");
  auto sa = stored(path, "ann"), sb = stored(path, "bob");
  ASSERT_EQ(int(sa.size()), n_tasks);
  for (int i = 0; i < n_tasks; ++i) {
    EXPECT_EQ(sa[std::make_pair(ann.task(i).sequence_id, ann.task(i).item_id)], i % 5 + 1);
    EXPECT_EQ(sb[std::make_pair(bob.task(i).sequence_id, bob.task(i).item_id)], (i + 2) % 5 + 1);
  }
  for (auto& [k, v] : stored(path, "shared")) EXPECT_EQ(v, 3);
}
