#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "comptoir/http/message.hpp"
#include "comptoir/http/runtime.hpp"

namespace comptoir::http {

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds request_timeout{10000};
  std::size_t max_idle_per_host = 64;
  /// An idle keep-alive connection is not used (and is closed) after this long: shorter than the
  /// servers' own idle keep-alive (ServerOptions::read_timeout, 30 s), so that the client closes
  /// first. 0: no keep-alive.
  std::chrono::milliseconds idle_timeout{15000};
  std::size_t body_limit = 16 * 1024 * 1024;
};

/// Outcome of one call: transport failures are error codes, not exceptions.
struct ClientResult {
  boost::system::error_code error;
  Response response;
  /// True when the request may not have reached the server (safe to retry on another target).
  bool before_send = false;
};

/// True for the error codes of a timed-out call (ClientResult::error, stream operations).
bool IsTimeout(const boost::system::error_code& ec) noexcept;

/// Async HTTP/1.1 client with keep-alive connection pools per host:port, one set per worker.
/// A pooled connection is used only if it is younger than idle_timeout and the server has not
/// closed it (checked before each use; the pools of the worker are swept on each call). A request
/// on a reused connection that the server closed without answering is sent again once on a new
/// connection when that is safe: always when it could not be written whole, otherwise only for
/// idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS), as a POST may have been processed.
class Client {
 public:
  Client(Runtime& runtime, ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Sends `request` (method, target, headers, body are used) to host:port. Must be awaited on a
  /// runtime worker. Arguments are taken by value: the coroutine may outlive the caller's temporaries. `timeout`
  /// overrides the default request timeout when non-zero.
  boost::asio::awaitable<ClientResult> Send(std::string host, std::uint16_t port, Request request,
                                            std::chrono::milliseconds timeout = std::chrono::milliseconds{0});

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace comptoir::http
