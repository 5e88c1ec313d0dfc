#pragma once
// Carries a request's log context (request id, trace id) across the suspensions of its coroutine.
//
// A coroutine spawned on WithLogContext(executor, context) is resumed only through that executor, and every
// function the executor runs makes `context` current (log::ScopedContext) while it runs. So every log line
// written by the coroutine — and by whatever it awaits: the pool, the HTTP client, a peer call — carries the
// request's ids, without passing them to each log call. Several sessions interleave on one event loop; each
// resumption installs its own context and restores the previous one on return.
//
// A long-lived coroutine that serves one request (or event) after another keeps one context object and changes
// its fields between them, as libs/http's sessions and the event consumer do. Do not await a coroutine spawned
// on a context executor from a coroutine that has none: Asio may resume the awaiting one inline, still under the
// inner context, until its next suspension.
#include <memory>
#include <type_traits>
#include <utility>

#include <boost/asio/execution.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/require.hpp>

#include "comptoir/log.hpp"

namespace comptoir::http {

/// An executor adapter (Asio's standard executor requirements) that runs every function of `Inner` with a
/// log context current.
template <class Inner>
class LogContextExecutor {
 public:
  LogContextExecutor(Inner inner, std::shared_ptr<const log::RequestContext> context) noexcept
      : inner_(std::move(inner)), context_(std::move(context)) {}

  template <class Function>
  void execute(Function&& f) const {
    inner_.execute(Bound<std::decay_t<Function>>{context_, std::forward<Function>(f)});
  }

  template <class Property>
  auto query(const Property& p) const noexcept(noexcept(boost::asio::query(std::declval<const Inner&>(), p)))
      -> decltype(boost::asio::query(std::declval<const Inner&>(), p)) {
    return boost::asio::query(inner_, p);
  }

  template <class Property>
  auto require(const Property& p) const
      -> LogContextExecutor<std::decay_t<decltype(boost::asio::require(std::declval<const Inner&>(), p))>> {
    return {boost::asio::require(inner_, p), context_};
  }

  template <class Property>
  auto prefer(const Property& p) const
      -> LogContextExecutor<std::decay_t<decltype(boost::asio::prefer(std::declval<const Inner&>(), p))>> {
    return {boost::asio::prefer(inner_, p), context_};
  }

  friend bool operator==(const LogContextExecutor& a, const LogContextExecutor& b) noexcept {
    return a.inner_ == b.inner_ && a.context_ == b.context_;
  }
  friend bool operator!=(const LogContextExecutor& a, const LogContextExecutor& b) noexcept { return !(a == b); }

  [[nodiscard]] const Inner& inner() const noexcept { return inner_; }

 private:
  template <class F>
  struct Bound {
    std::shared_ptr<const log::RequestContext> context;
    F f;
    void operator()() {
      log::ScopedContext scope(context.get());
      f();
    }
  };

  template <class>
  friend class LogContextExecutor;

  Inner inner_;
  std::shared_ptr<const log::RequestContext> context_;
};

/// `executor` with `context` made current whenever it runs something.
template <class Inner>
LogContextExecutor<Inner> WithLogContext(Inner executor, std::shared_ptr<const log::RequestContext> context) {
  return LogContextExecutor<Inner>(std::move(executor), std::move(context));
}

}  // namespace comptoir::http
