#pragma once
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace comptoir::testing {

/// A loopback TCP port free at the time of the call, outside the ephemeral range, and reserved for this
/// process until it ends (no other test process running at the same time gets it).
int FreePort();
/// A blocking socket connected to 127.0.0.1:`port`, with `timeout` on each send and receive; -1 if
/// the connection is refused. The caller closes it.
int ConnectLoopback(int port, std::chrono::seconds timeout);
/// Waits until 127.0.0.1:`port` accepts a TCP connection; false after `timeout`.
bool WaitForPort(int port, std::chrono::milliseconds timeout);
/// Waits until `GET path` on 127.0.0.1:`port` answers 2xx (e.g. "/health"); false after `timeout`.
bool WaitForHttp(int port, std::string_view path, std::chrono::milliseconds timeout);

struct ProcessOptions {
  std::string path;                                      ///< executable
  std::vector<std::string> args;                         ///< arguments after argv[0]
  std::vector<std::pair<std::string, std::string>> env;  ///< added to (or replacing) the inherited environment
  std::string log_file;                                  ///< stdout and stderr appended here when set
};

/// A child process (fork/exec), stopped by pid when the object goes: SIGTERM, then SIGKILL after a grace period.
class ChildProcess {
 public:
  explicit ChildProcess(ProcessOptions options);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  /// Whether it has not exited yet (reaps it if it has).
  bool Running();
  /// Sends `signal`, without waiting.
  void Signal(int signal);
  /// SIGTERM, waits up to `grace`, then SIGKILL; returns the exit status (128 + signal when killed), -1 if
  /// it was already reaped.
  int Stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

/// The last 4000 characters of a log file (for the message of a test that failed to start something).
std::string TailOfFile(const std::string& path);

/// The `comptoir` executable under test: $COMPTOIR_BIN (set by CTest), or "" when unset.
std::string ComptoirBin();

/// Runs `comptoir <args...>` to completion with `env` added, output appended to `log_file`;
/// returns its exit status (-1 when it did not exit normally).
int RunComptoir(const std::vector<std::string>& args, const std::vector<std::pair<std::string, std::string>>& env,
                const std::string& log_file);

}  // namespace comptoir::testing
