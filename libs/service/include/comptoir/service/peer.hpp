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

class TokenCache;

/// Another service reached over HTTP with the process's keep-alive client. Every call passes on the
/// caller's X-Request-ID and traceparent, and has a timeout. Whose token it carries is fixed at construction:
/// - without `tokens`, the caller's own `Authorization` as received (a shopper's token passed on to cart);
/// - with `tokens`, this service's own service token for the peer (audience = PeerOptions::name), and the person
///   the origin request acts for (http::Request::on_behalf_of) in X-Comptoir-On-Behalf-Of, for the peer's audit.
///   The caller's token never goes further (ADR 0008).
class Peer {
 public:
  Peer(http::Client& client, PeerOptions options, TokenCache* tokens = nullptr)
      : client_(client), options_(std::move(options)), tokens_(tokens) {}

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
  TokenCache* tokens_ = nullptr;
};

}  // namespace comptoir::service
