#include "comptoir/testing/process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace comptoir::testing {
namespace {

using Clock = std::chrono::steady_clock;

bool HttpOk(int port, std::string_view path) {
  const int fd = ConnectLoopback(port, std::chrono::seconds(1));
  if (fd < 0) return false;
  const std::string request = "GET " + std::string(path) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  bool ok = false;
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
    char buffer[64] = {};
    const ssize_t n = ::recv(fd, buffer, sizeof buffer - 1, 0);
    // "HTTP/1.1 2xx"
    ok = n >= 12 && std::strncmp(buffer, "HTTP/1.", 7) == 0 && buffer[9] == '2';
  }
  ::close(fd);
  return ok;
}

}  // namespace

int ConnectLoopback(int port, std::chrono::seconds timeout) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  timeval tv{static_cast<time_t>(timeout.count()), 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return fd;
}

namespace {

// Whether 127.0.0.1:port can be bound now (nothing listens there).
bool CanBind(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);  // as the servers bind: TIME_WAIT is no conflict
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

// Ports come from 20000–31999, below the kernel's ephemeral range (32768–60999), so no outgoing connection
// of any process takes one as its source port between here and the server's bind; and each is locked for
// this process's lifetime (flock on a file per port, released by the kernel when the process ends), so two
// test processes running at once never get the same port. (Asking the kernel for port 0 gave both: another
// test's service then answered a platform's health check and its requests, with 404 route.not_found.)
int FreePort() {
  static std::mutex mutex;
  static std::mt19937 random(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
  std::lock_guard lock(mutex);
  const std::string dir = "/tmp/comptoir-test-ports";
  ::mkdir(dir.c_str(), 0777);
  std::uniform_int_distribution<int> pick(20000, 31999);
  for (int attempt = 0; attempt < 2000; ++attempt) {
    const int port = pick(random);
    const std::string file = dir + "/" + std::to_string(port);
    const int fd = ::open(file.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0666);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);  // another test process holds it
      continue;
    }
    if (!CanBind(port)) {
      ::close(fd);  // in use outside the tests (or by a process a finished test left behind)
      continue;
    }
    return port;  // fd stays open: the lock lasts as long as this process (this process may reuse the port)
  }
  throw std::runtime_error("no free port in 20000-31999");
}

bool WaitForPort(int port, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  do {
    const int fd = ConnectLoopback(port, std::chrono::seconds(1));
    if (fd >= 0) {
      ::close(fd);
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (Clock::now() < deadline);
  return false;
}

bool WaitForHttp(int port, std::string_view path, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  do {
    if (HttpOk(port, path)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (Clock::now() < deadline);
  return false;
}

ChildProcess::ChildProcess(ProcessOptions options) {
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [key, value] : options.env) env[key] = value;
  std::vector<std::string> env_strings;
  for (const auto& [key, value] : env) env_strings.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> arg_strings{options.path};
  arg_strings.insert(arg_strings.end(), options.args.begin(), options.args.end());
  std::vector<char*> argv;
  for (auto& s : arg_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  int log_fd = -1;
  if (!options.log_file.empty()) {
    log_fd = ::open(options.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) throw std::runtime_error("cannot open " + options.log_file + ": " + std::strerror(errno));
  }

  pid_ = ::fork();
  if (pid_ < 0) {
    if (log_fd >= 0) ::close(log_fd);
    throw std::runtime_error("fork: " + std::string(std::strerror(errno)));
  }
  if (pid_ == 0) {
    if (log_fd >= 0) {
      ::dup2(log_fd, STDOUT_FILENO);
      ::dup2(log_fd, STDERR_FILENO);
    }
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  if (log_fd >= 0) ::close(log_fd);
}

ChildProcess::~ChildProcess() {
  Stop(std::chrono::seconds(5));
}

bool ChildProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  if (r == pid_) status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  pid_ = -1;
  return false;
}

void ChildProcess::Signal(int signal) {
  if (pid_ > 0) ::kill(pid_, signal);
}

int ChildProcess::Stop(std::chrono::milliseconds grace) {
  if (!Running()) return status_;
  ::kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + grace;
  while (Clock::now() < deadline) {
    if (!Running()) return status_;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  if (::waitpid(pid_, &status, 0) == pid_) status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  pid_ = -1;
  return status_;
}

std::string ComptoirBin() {
  const char* bin = std::getenv("COMPTOIR_BIN");
  return bin != nullptr ? bin : "";
}

int RunComptoir(const std::vector<std::string>& args, const std::vector<std::pair<std::string, std::string>>& env,
                const std::string& log_file) {
  ProcessOptions options;
  options.path = ComptoirBin();
  options.args = args;
  options.env = env;
  options.log_file = log_file;
  ChildProcess child(options);
  // Generous bound: migrations and seeds of a fresh database take well under a second.
  for (int i = 0; i < 1200 && child.Running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return child.Stop(std::chrono::seconds(1));
}

std::string TailOfFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto all = text.str();
  return all.size() > 4000 ? all.substr(all.size() - 4000) : all;
}

}  // namespace comptoir::testing
