#include "comptoir/service/periodic.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "comptoir/log.hpp"

namespace comptoir::service {
namespace asio = boost::asio;

struct Periodic::State {
  State(asio::io_context& io, std::string n, std::chrono::milliseconds i,
        std::function<asio::awaitable<void>()> r)
      : name(std::move(n)), interval(i), round(std::move(r)), tick(io), finished(io) {
    finished.expires_at(asio::steady_timer::time_point::max());
  }
  std::string name;
  std::chrono::milliseconds interval;
  std::function<asio::awaitable<void>()> round;
  asio::steady_timer tick;
  asio::steady_timer finished;  // cancelled when the loop has ended: Stop() waits on it
  bool started = false;
  bool stopping = false;
  bool ended = false;
};

namespace {

asio::awaitable<void> Loop(std::shared_ptr<Periodic::State> state, bool immediately) {
  boost::system::error_code ec;
  bool first = true;
  while (!state->stopping) {
    if (!(first && immediately)) {
      state->tick.expires_after(state->interval);
      co_await state->tick.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (state->stopping) break;
    }
    first = false;
    try {
      co_await state->round();
    } catch (const std::exception& e) {
      log::Warn("background task failed; retrying at the next tick", {{"task", state->name}, {"error", e.what()}});
    }
  }
  state->ended = true;
  state->finished.cancel();
}

void OnLoopEnded(std::shared_ptr<Periodic::State> state, std::exception_ptr error) {
  state->ended = true;
  state->finished.cancel();
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    log::Error("background task stopped", {{"task", state->name}, {"error", e.what()}});
  }
}

}  // namespace

Periodic::Periodic(asio::io_context& io, std::string name, std::chrono::milliseconds interval,
                   std::function<asio::awaitable<void>()> round)
    : state_(std::make_shared<State>(io, std::move(name), interval, std::move(round))) {}

Periodic::~Periodic() {
  // Without Stop() (e.g. a failed start-up), at least end the loop at its next wake-up.
  state_->stopping = true;
}

void Periodic::Start(bool immediately) {
  if (state_->started) return;
  state_->started = true;
  auto state = state_;
  asio::co_spawn(state->tick.get_executor(), Loop(state, immediately),
                 [state](std::exception_ptr e) { OnLoopEnded(state, e); });
}

asio::awaitable<void> Periodic::Stop() {
  auto state = state_;
  state->stopping = true;
  if (!state->started || state->ended) co_return;
  state->tick.cancel();
  boost::system::error_code ec;
  if (!state->ended) co_await state->finished.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> AwaitDone(std::function<void(std::function<void()>)> start) {
  auto finished = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor);
  finished->expires_at(asio::steady_timer::time_point::max());
  auto called = std::make_shared<bool>(false);
  start([finished, called]() {
    *called = true;
    finished->cancel();
  });
  boost::system::error_code ec;
  if (!*called) co_await finished->async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace comptoir::service
