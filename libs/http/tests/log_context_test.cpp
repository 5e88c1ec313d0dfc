// The log context of a request follows its coroutine across suspensions, and never leaks into another's.
#include "comptoir/http/log_context.hpp"

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace comptoir::http {
namespace {
namespace asio = boost::asio;

std::string Current() {
  const auto* c = log::CurrentContext();
  return c != nullptr ? c->request_id : "-";
}

// Notes the current request id before and after each of `steps` suspensions (timers of `delay`), and after a
// nested coroutine.
asio::awaitable<void> Work(std::vector<std::string>* seen, int steps, std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (int i = 0; i < steps; ++i) {
    seen->push_back(Current());
    timer.expires_after(delay);
    co_await timer.async_wait(asio::use_awaitable);
  }
  seen->push_back(Current());
}

TEST(LogContextExecutorTest, EachCoroutineSeesItsOwnContextAfterEverySuspension) {
  asio::io_context io;
  auto a = std::make_shared<log::RequestContext>(log::RequestContext{"req-a", "aa"});
  auto b = std::make_shared<log::RequestContext>(log::RequestContext{"req-b", "bb"});
  std::vector<std::string> seen_a, seen_b, seen_plain;
  // Interleaved on one thread: a wakes every 1 ms, b every 3 ms, a plain coroutine in between.
  asio::co_spawn(WithLogContext(io.get_executor(), a), Work(&seen_a, 6, std::chrono::milliseconds(1)), asio::detached);
  asio::co_spawn(WithLogContext(io.get_executor(), b), Work(&seen_b, 3, std::chrono::milliseconds(3)), asio::detached);
  asio::co_spawn(io, Work(&seen_plain, 4, std::chrono::milliseconds(2)), asio::detached);
  io.run();
  EXPECT_EQ(seen_a, std::vector<std::string>(7, "req-a"));
  EXPECT_EQ(seen_b, std::vector<std::string>(4, "req-b"));
  EXPECT_EQ(seen_plain, std::vector<std::string>(5, "-"));
  EXPECT_EQ(log::CurrentContext(), nullptr);
}

TEST(LogContextExecutorTest, AChangedContextIsSeenAtTheNextResumption) {
  // A session reuses its context for the next request on the connection.
  asio::io_context io;
  auto context = std::make_shared<log::RequestContext>(log::RequestContext{"first", ""});
  std::vector<std::string> seen;
  asio::co_spawn(WithLogContext(io.get_executor(), context), Work(&seen, 2, std::chrono::milliseconds(5)),
                 asio::detached);
  asio::post(io, [context] { context->request_id = "second"; });
  io.run();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen.front(), "first");
  EXPECT_EQ(seen.back(), "second");
}

}  // namespace
}  // namespace comptoir::http
