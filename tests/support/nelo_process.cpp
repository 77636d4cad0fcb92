#include "support/nelo_process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace nelo::test {
namespace {

bool http_live(unsigned short port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string req = "GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
      char buf[64] = {};
      ssize_t n = ::recv(fd, buf, sizeof buf - 1, 0);
      ok = n > 12 && std::string(buf, static_cast<std::size_t>(n)).rfind("HTTP/1.1 200", 0) == 0;
    }
  }
  ::close(fd);
  return ok;
}

}  // namespace

const char* const kTestKeyEncryptionKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

unsigned short free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("free_port: bind failed");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

NeloProcess::NeloProcess(std::vector<std::string> args, std::map<std::string, std::string> env)
    : args_(std::move(args)), env_(std::move(env)) {
  char tmpl[] = "/tmp/nelo-test-XXXXXX.log";
  int fd = ::mkstemps(tmpl, 4);
  if (fd >= 0) ::close(fd);
  log_path_ = tmpl;
}

NeloProcess::~NeloProcess() {
  if (pid_ > 0 && running()) kill();
  ::unlink(log_path_.c_str());
}

void NeloProcess::start(std::chrono::milliseconds timeout) {
  launch();
  if (args_.empty() || args_[0] != "serve") return;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) throw std::runtime_error("nelo exited with " + std::to_string(exit_code_) + ":\n" + output());
    if (http_live(port_)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("nelo did not become live in time:\n" + output());
}

void NeloProcess::launch() {
  bool serving = !args_.empty() && args_[0] == "serve";
  if (serving) {
    auto it = env_.find("NELO_HTTP_PORT");
    if (it == env_.end()) env_["NELO_HTTP_PORT"] = std::to_string(free_port());
    try {
      port_ = static_cast<unsigned short>(std::stoi(env_["NELO_HTTP_PORT"]));
    } catch (const std::exception&) {
      port_ = 0;  // a deliberately bad value: the process is expected to refuse it
    }
    if (env_.find("NELO_ADMIN_PORT") == env_.end()) env_["NELO_ADMIN_PORT"] = std::to_string(free_port());
    try {
      admin_port_ = static_cast<unsigned short>(std::stoi(env_["NELO_ADMIN_PORT"]));
    } catch (const std::exception&) {
      admin_port_ = 0;
    }
  }
  env_.emplace("NELO_LOG_FORMAT", "json");
  // Every test registers from 127.0.0.1: a suite sharing one server would meet the per-address
  // registration limit. Tests of that limit set it themselves.
  env_.emplace("NELO_AUTH_MAX_REGISTRATIONS_PER_ADDRESS", "1000000");
  // A fixed test key for the JWT private keys at rest (production gets one from a secret store).
  // It is published here, so the server accepts it only in development mode.
  auto kek = env_.emplace("NELO_JWT_KEY_ENCRYPTION_KEY", kTestKeyEncryptionKey);
  if (kek.second) env_.emplace("NELO_ENV", "development");

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // A test process that dies must not leave a server running.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    std::FILE* log = std::fopen(log_path_.c_str(), "w");
    if (log) {
      ::dup2(fileno(log), STDOUT_FILENO);
      ::dup2(fileno(log), STDERR_FILENO);
    }
    for (const auto& [k, v] : env_) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    std::string binary = NELO_BINARY;
    argv.push_back(binary.data());
    for (auto& a : args_) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    std::_Exit(127);
  }
}

bool NeloProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  if (r == pid_) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    pid_ = -1;
  }
  return false;
}

int NeloProcess::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill();
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return exit_code_;
}

int NeloProcess::stop(std::chrono::milliseconds timeout) {
  if (!running()) return exit_code_;
  ::kill(pid_, SIGTERM);
  return wait(timeout);
}

void NeloProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  exit_code_ = 128 + SIGKILL;
  pid_ = -1;
}

std::string NeloProcess::output() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::pair<int, std::string> run_nelo(std::vector<std::string> args, std::map<std::string, std::string> env) {
  NeloProcess p(std::move(args), std::move(env));
  p.launch();
  int code = p.wait();
  return {code, p.output()};
}

}  // namespace nelo::test
