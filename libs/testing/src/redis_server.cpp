#include "comptoir/testing/redis_server.hpp"

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "comptoir/testing/pg.hpp"

namespace comptoir::testing {

using namespace std::chrono_literals;

RedisServer::RedisServer(RedisServerOptions options)
    : options_(std::move(options)), port_(FreePort()), dir_(StateDir() / ("redis-private-" + std::to_string(port_))) {
  std::filesystem::create_directories(dir_);
  Start();
}

RedisServer::~RedisServer() {
  if (process_) process_->Stop(5s);
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void RedisServer::Start() {
  std::vector<std::string> args{"--bind",       "127.0.0.1", "--port", std::to_string(port_), "--daemonize", "no",
                                "--save",       "",          "--dir",  dir_.string(),         "--appendonly",
                                options_.keep_data ? "yes" : "no"};
  args.insert(args.end(), options_.args.begin(), options_.args.end());
  const auto log = (dir_ / "redis.log").string();
  process_ = std::make_unique<ChildProcess>(ProcessOptions{"/usr/bin/redis-server", args, {}, log});
  if (!WaitForPort(port_, 10s)) throw std::runtime_error("private redis-server did not start, see " + log);
}

void RedisServer::Stop() {
  if (!process_) return;
  process_->Stop(5s);
  process_.reset();
}

bool RedisServer::Shutdown() {
  if (!process_) return true;
  const std::string command = "redis-cli -p " + std::to_string(port_) + " shutdown nosave >/dev/null 2>&1";
  (void)std::system(command.c_str());
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (process_->Running() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
  if (process_->Running()) return false;
  process_.reset();
  return true;
}

}  // namespace comptoir::testing
