#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "util/error.h"
#include "util/strings.h"

using namespace tmf;
namespace fs = std::filesystem;

// A FIFO given as a tokenizer, request or config once blocked forever in open(); a directory or a
// device is no file to read whole either. All are clear errors at once.
TEST(ReadFile, NonRegularFilesAreRefusedWithoutBlocking) {
  const std::string dir = std::string(TMF_BINARY_DIR) + "/test-tmp/read-file-" + std::to_string(::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string fifo = dir + "/pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string& p : {fifo, dir, std::string("/dev/zero")}) {
    try {
      read_file(p);
      ADD_FAILURE() << p << " was read";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("not a regular file"), std::string::npos) << e.what();
    }
  }
  write_file_atomic(dir + "/ok.txt", std::string(200000, 'x'));
  EXPECT_EQ(read_file(dir + "/ok.txt"), std::string(200000, 'x'));
  EXPECT_THROW(read_file(dir + "/missing"), Error);
  fs::remove_all(dir);
}

// write_file_atomic in pieces: the file appears whole or not at all. A writer that fails half-way
// leaves the previous file and no temporary beside it.
TEST(WriteFileAtomic, AFailedWriteLeavesThePreviousFile) {
  const std::string dir = std::string(TMF_BINARY_DIR) + "/test-tmp/write-atomic-" + std::to_string(::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = dir + "/weights.bin";
  write_file_atomic(path, [](const WriteBytes& write) {
    write("head", 4);
    write("-body", 5);
  });
  EXPECT_EQ(read_file(path), "head-body");
  EXPECT_THROW(write_file_atomic(path,
                                 [](const WriteBytes& write) {
                                   write("partial", 7);
                                   fail("disk full (simulated)");
                                 }),
               Error);
  EXPECT_EQ(read_file(path), "head-body");
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);
  EXPECT_THROW(write_file_atomic(dir + "/no-such-dir/x", std::string("x")), Error);
  fs::remove_all(dir);
}
