#pragma once
// The life cycle shared by the outbox relay and the consumers: one loop on worker 0, started once,
// stopped by waking its timer; `done` runs once the loop has ended. Internal to libs/events.
// State needs: runtime, running, stopping, on_stopped (std::function<void()>), timer.
#include <exception>
#include <functional>
#include <memory>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>

namespace comptoir::events::detail {

/// Spawns `run(s)` on worker 0 unless it runs or was stopped; an exception that ends it goes to
/// `on_error` (logging), then a pending Stop completes.
/// `executor` (of worker 0) runs the loop's coroutine; StartLoop below uses worker 0's own.
template <class Executor, class State, class Run, class OnError>
void StartLoopOn(Executor executor, std::shared_ptr<State> s, Run run, OnError on_error) {
  boost::asio::post(s->runtime.Context(0), [executor, s, run, on_error] {
    if (s->running || s->stopping) return;
    s->running = true;
    boost::asio::co_spawn(executor, run(s), [s, on_error](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          on_error(ex);
        }
      }
      s->running = false;
      if (s->on_stopped) {
        auto done = std::move(s->on_stopped);
        s->on_stopped = nullptr;
        done();
      }
    });
  });
}

template <class State, class Run, class OnError>
void StartLoop(std::shared_ptr<State> s, Run run, OnError on_error) {
  auto executor = s->runtime.Context(0).get_executor();
  StartLoopOn(executor, std::move(s), std::move(run), std::move(on_error));
}

/// Asks the loop to stop (it sees `stopping` when its timer wakes); `done` runs once it has ended,
/// at once if it was not running.
template <class State>
void StopLoop(std::shared_ptr<State> s, std::function<void()> done) {
  boost::asio::post(s->runtime.Context(0), [s, done = std::move(done)]() mutable {
    s->stopping = true;
    if (!s->running) {
      done();
      return;
    }
    s->on_stopped = std::move(done);
    s->timer.cancel();
  });
}

}  // namespace comptoir::events::detail
