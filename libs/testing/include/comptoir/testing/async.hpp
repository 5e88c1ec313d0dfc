#pragma once
#include <exception>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "comptoir/http/runtime.hpp"

namespace comptoir::testing {

/// Runs `task` on worker 0 of `runtime` from the calling thread (which acts as worker 0) until it finishes,
/// then returns its value or rethrows its exception. Work it left behind (e.g. a rollback in the background)
/// continues at the next call. Meant for a Runtime(1) that is not Run() otherwise; callable repeatedly.
template <class T>
T RunAsync(http::Runtime& runtime, boost::asio::awaitable<T> task) {
  boost::asio::io_context& io = runtime.Context(0);
  std::optional<std::conditional_t<std::is_void_v<T>, bool, T>> value;
  std::exception_ptr failure;
  bool done = false;
  if constexpr (std::is_void_v<T>) {
    boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e) {
      failure = e;
      done = true;
    });
  } else {
    boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T v) {
      failure = e;
      if (!e) value.emplace(std::move(v));
      done = true;
    });
  }
  if (io.stopped()) io.restart();
  while (!done) {
    if (io.run_one() == 0) throw std::logic_error("RunAsync: the event loop was stopped or ran out of work");
  }
  if (failure) std::rethrow_exception(failure);
  if constexpr (!std::is_void_v<T>) return std::move(*value);
}

}  // namespace comptoir::testing
