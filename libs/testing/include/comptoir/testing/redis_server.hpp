#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "comptoir/testing/process.hpp"

namespace comptoir::testing {

/// What a private redis-server runs with.
struct RedisServerOptions {
  /// Append-only file in the server's own directory, so that a restart (Stop, Start) keeps the data
  /// (streams of the event tests); without it a restart starts empty.
  bool keep_data = false;
  std::vector<std::string> args;  ///< extra arguments, e.g. {"--requirepass", "s3cret"}
};

/// A redis-server of the test's own on a free loopback port, in the foreground (a child process), for tests
/// that stop and start the server or need settings the shared "redis" fixture does not have. Stopped by pid
/// and its directory removed when the object goes.
class RedisServer {
 public:
  explicit RedisServer(RedisServerOptions options = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  [[nodiscard]] int port() const noexcept { return port_; }
  /// Starts the server (again, on the same port); throws when it does not listen within 10 s.
  void Start();
  /// SIGTERM and wait (Redis saves the append-only file first when keep_data).
  void Stop();
  /// `SHUTDOWN NOSAVE` through redis-cli, then waits for the process to end; false if it did not.
  bool Shutdown();
  [[nodiscard]] bool Running() { return process_ && process_->Running(); }

 private:
  RedisServerOptions options_;
  int port_;
  std::filesystem::path dir_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace comptoir::testing
