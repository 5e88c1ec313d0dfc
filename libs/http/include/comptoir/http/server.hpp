#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "comptoir/http/router.hpp"
#include "comptoir/http/runtime.hpp"

namespace comptoir::metrics {
class Registry;
}

namespace comptoir::http {

struct ServerOptions {
  std::string name = "comptoir";  ///< process/service name for logs
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::chrono::milliseconds read_timeout{30000};  ///< whole request, and idle keep-alive
  std::chrono::milliseconds write_timeout{30000};
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 1024 * 1024;
  std::chrono::milliseconds shutdown_grace{10000};  ///< time given to in-flight requests
  bool access_log = true;
  /// Runs before routing, for every request; an answer it returns is sent instead of routing (an
  /// API behind a credential answers 401 on every path, known or not).
  std::function<std::optional<Response>(const Request&)> guard;
};

/// Async HTTP/1.1 server on the runtime's workers: keep-alive, limits, request ids and traceparent,
/// access log, per-route metrics, problem+json for 404/405/errors, graceful shutdown.
class Server {
 public:
  Server(Runtime& runtime, ServerOptions options, const Router& router, metrics::Registry& registry);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds and listens; throws std::system_error when the address cannot be bound.
  void Start();
  /// Port actually bound (useful with port 0).
  [[nodiscard]] std::uint16_t port() const noexcept;
  /// Stops accepting, closes idle connections, lets in-flight requests finish within the grace
  /// period, then calls `done` (on some worker thread).
  void Shutdown(std::function<void()> done);

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

/// Generates a random UUID v4 string.
std::string NewUuid();
/// Accepts a client X-Request-ID if it is 1..200 visible ASCII characters.
bool ValidRequestId(std::string_view id);
/// Returns the traceparent to use for this hop: the incoming one's trace id with a new span id,
/// or a new trace when absent or malformed.
std::string NextTraceparent(std::string_view incoming);

}  // namespace comptoir::http
