#pragma once
// Runs the real `nelo` binary as a child process for black-box tests.

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace nelo::test {

// The key-encryption key NeloProcess gives `nelo` unless the test sets one: published in this
// repository, so NeloProcess also sets NELO_ENV=development (the server refuses it otherwise).
extern const char* const kTestKeyEncryptionKey;

// A TCP port that nothing listens on right now.
unsigned short free_port();

class NeloProcess {
 public:
  // Starts `nelo <args>` with the current environment plus `env`. For `serve`, set
  // NELO_HTTP_PORT yourself or leave it to start(), which picks a free port.
  NeloProcess(std::vector<std::string> args, std::map<std::string, std::string> env);
  ~NeloProcess();  // SIGKILL if still running
  NeloProcess(const NeloProcess&) = delete;
  NeloProcess& operator=(const NeloProcess&) = delete;

  // Starts and, for `serve`, waits until GET /health/live answers 200 (throws on timeout or exit).
  void start(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Starts without waiting for anything.
  void launch();
  unsigned short port() const { return port_; }
  // The admin listener (/metrics): NELO_ADMIN_PORT, a free port unless the test sets one.
  unsigned short admin_port() const { return admin_port_; }

  // SIGTERM, then waits for the exit code (SIGKILL after the timeout; returns -1 then).
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // SIGKILL: a crash, for restart tests.
  void kill();
  // Waits for a command to finish on its own and returns its exit code.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  bool running();

  // Everything the process wrote to stdout and stderr so far.
  std::string output() const;

 private:
  std::vector<std::string> args_;
  std::map<std::string, std::string> env_;
  unsigned short port_ = 0;
  unsigned short admin_port_ = 0;
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::string log_path_;
};

// Runs `nelo <args>` to completion and returns {exit code, output}.
std::pair<int, std::string> run_nelo(std::vector<std::string> args, std::map<std::string, std::string> env = {});

}  // namespace nelo::test
