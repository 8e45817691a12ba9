// train_tokenizer: spm_train as a subprocess (see tokenizer_train.h).
#include "llm/tokenizer_train.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "llm/tokenizer.h"
#include "util/error.h"
#include "util/strings.h"

extern char** environ;

namespace tmf {
namespace {

// A private temporary directory, removed with everything in it.
struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tmf-spm-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) fail("cannot create a temporary directory '", tmpl, "': ", std::strerror(errno));
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

std::string tail(const std::string& s, size_t n) { return s.size() <= n ? s : "..." + s.substr(s.size() - n); }

}  // namespace

void train_tokenizer(const std::vector<std::string>& texts, const TrainOptions& opts,
                     const std::string& out_model_path, const Progress& progress) {
  TMF_CHECK(opts.vocab_size > 0, "tokenizer vocab_size must be positive, got ", opts.vocab_size);
  TMF_CHECK(opts.character_coverage > 0 && opts.character_coverage <= 1,
            "character_coverage must be in (0, 1], got ", opts.character_coverage);
  TMF_CHECK(opts.max_sentence_length > 0, "max_sentence_length must be positive, got ", opts.max_sentence_length);
  std::string symbols;
  for (const auto& s : opts.user_defined_symbols) {
    TMF_CHECK(!s.empty() && s.find_first_of(", \t\n\r") == std::string::npos,
              "user-defined symbol '", s, "' must be non-empty without ',' or whitespace");
    symbols += (symbols.empty() ? "" : ",") + s;
  }
  bool any_text = false;
  for (const auto& t : texts) any_text = any_text || !trim(t).empty();
  TMF_CHECK(any_text, "cannot train a tokenizer: the ", texts.size(), " training texts are all empty");

  progress.report("train:tokenizer", 0, 1, "writing corpus");
  TempDir dir;
  const std::string corpus = dir.path + "/corpus.txt";
  const std::string prefix = dir.path + "/m";
  const std::string log_path = dir.path + "/spm_train.log";
  {
    std::string data;
    for (const auto& t : texts) {
      data += t;
      data += '\n';
    }
    write_file_atomic(corpus, data);
  }

  std::vector<std::string> args = {
      opts.spm_train_program,
      // Relative paths (the trainer runs inside the temporary directory): the model records them,
      // and fixed names keep its bytes identical from run to run.
      "--input=corpus.txt",
      "--model_prefix=m",
      "--model_type=bpe",
      "--vocab_size=" + std::to_string(opts.vocab_size),
      "--byte_fallback=true",
      std::string("--split_digits=") + (opts.split_digits ? "true" : "false"),
      "--character_coverage=" + std::to_string(opts.character_coverage),
      "--normalization_rule_name=identity",
      "--add_dummy_prefix=true",
      std::string("--remove_extra_whitespaces=") + (opts.remove_extra_whitespaces ? "true" : "false"),
      std::string("--hard_vocab_limit=") + (opts.hard_vocab_limit ? "true" : "false"),
      "--max_sentence_length=" + std::to_string(opts.max_sentence_length),
      "--unk_id=0",
      "--bos_id=1",
      "--eos_id=2",
      "--pad_id=-1",
      "--num_threads=1",
      "--input_sentence_size=0",
      "--shuffle_input_sentence=false",
      "--random_seed=" + std::to_string(opts.random_seed),
      "--minloglevel=1",
  };
  if (!symbols.empty()) args.push_back("--user_defined_symbols=" + symbols);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addchdir_np(&fa, dir.path.c_str());
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = -1;
  // A relative program path would be resolved inside the temporary directory: make it absolute.
  if (args[0].find('/') != std::string::npos && args[0][0] != '/')
    args[0] = std::filesystem::absolute(args[0]).string();
  argv[0] = args[0].data();
  const int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  TMF_CHECK(rc == 0, "cannot start '", opts.spm_train_program, "': ", std::strerror(rc),
            rc == ENOENT ? " (install the Debian package sentencepiece)" : "");

  progress.report("train:tokenizer", 0, 1, "spm_train running");
  int status = 0;
  for (;;) {
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) fail("waiting for spm_train failed: ", std::strerror(errno));
    if (progress.cancelled()) {
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      throw Cancelled();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string log;
    try {
      log = read_file(log_path);
    } catch (const Error&) {
    }
    const std::string how = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                              : "signal " + std::to_string(WTERMSIG(status));
    fail("spm_train failed (", how, ", vocab_size ", opts.vocab_size, ", ", texts.size(), " texts): ",
         tail(log, 3000));
  }
  std::string model = read_file(prefix + ".model");
  Tokenizer::from_bytes(model, prefix + ".model");  // what we write must load
  write_file_atomic(out_model_path, model);
  progress.report("train:tokenizer", 1, 1, "done");
}

}  // namespace tmf
