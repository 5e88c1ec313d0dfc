#pragma once
#include <chrono>
#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/json/fwd.hpp>

#include "comptoir/config.hpp"
#include "comptoir/http/client.hpp"
#include "comptoir/http/message.hpp"

namespace comptoir::service {

/// Where another service listens.
struct PeerOptions {
  std::string name;  ///< service name, used in error codes ("inventory.unavailable")
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::chrono::milliseconds timeout{5000};
};

/// Reads `key` as a base URL "http://host:port" (default `default_url`) and `key + "_timeout_ms"` (default
/// `default_timeout`); problems are recorded in `source`.
PeerOptions LoadPeer(config::Source& source, std::string name, const std::string& key, const std::string& default_url,
                     std::chrono::milliseconds default_timeout = std::chrono::milliseconds{5000});

/// Another service reached over HTTP with the process's keep-alive client. Every call passes on the
/// caller's X-Request-ID, traceparent and Authorization, and has a timeout.
class Peer {
 public:
  Peer(http::Client& client, PeerOptions options) : client_(client), options_(std::move(options)) {}

  /// The peer's answer, whatever its status. A transport failure is ApiError 503 `<name>.unavailable`,
  /// a timeout 504 `<name>.timeout`.
  boost::asio::awaitable<http::Response> Call(const http::Request& origin, http::Method method, std::string target,
                                              std::string body = {}, http::Headers headers = {}) const;

  /// Like Call for a JSON answer: 2xx gives the parsed body; a 4xx problem+json becomes an ApiError with
  /// the peer's status, code and detail (a 409 `inventory.insufficient_stock` reaches the client as it
  /// is); a 5xx or an unreadable answer becomes 503 `<name>.unavailable`.
  boost::asio::awaitable<boost::json::value> CallJson(const http::Request& origin, http::Method method,
                                                      std::string target, std::string body = {},
                                                      http::Headers headers = {}) const;

  [[nodiscard]] const PeerOptions& options() const noexcept { return options_; }

 private:
  http::Client& client_;
  PeerOptions options_;
};

}  // namespace comptoir::service
