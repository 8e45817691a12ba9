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
