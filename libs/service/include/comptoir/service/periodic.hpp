#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

namespace comptoir::service {

/// A background task of a service (a sweep, a relay, a recovery pass): `round` runs every `interval`
/// on one event loop until Stop(). A round that throws is logged and the next tick retries. Stop()
/// lets the round in progress finish, so nothing it holds (a transaction, a pooled connection) outlives
/// the service's pool.
class Periodic {
 public:
  Periodic(boost::asio::io_context& io, std::string name, std::chrono::milliseconds interval,
           std::function<boost::asio::awaitable<void>()> round);
  ~Periodic();
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

  /// Starts the loop (the first round runs after one interval, or at once when `immediately`).
  void Start(bool immediately = false);
  /// Ends the loop and waits for the round in progress. Must be awaited on the task's event loop.
  boost::asio::awaitable<void> Stop();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

/// Awaits an operation that reports its end through a callback: `start(done)` begins it, and the awaiting
/// coroutine resumes once `done` has been called. `done` must be called on the awaiting coroutine's event
/// loop (the usual contract of Stop(done) functions that run on worker 0).
boost::asio::awaitable<void> AwaitDone(std::function<void(std::function<void()>)> start);

}  // namespace comptoir::service
