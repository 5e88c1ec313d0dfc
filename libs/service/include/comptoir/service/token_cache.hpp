#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "comptoir/config.hpp"
#include "comptoir/http/client.hpp"
#include "comptoir/http/runtime.hpp"
#include "comptoir/service/peer.hpp"

namespace comptoir::service {

/// A service's own credentials at the customer service (OAuth 2.0 client credentials, RFC 6749 §4.4; ADR 0008).
struct ServiceCredentials {
  std::string client_id;      ///< the service's name
  std::string client_secret;  ///< `<name>.client_secret` (env COMPTOIR_<NAME>_CLIENT_SECRET)
  PeerOptions issuer;         ///< the customer service (`<name>.customer_url`)
};

/// Reads `<name>.client_secret` (required, at least 32 characters) and `<name>.customer_url` (default
/// http://127.0.0.1:8005); problems are recorded in `source`.
ServiceCredentials LoadServiceCredentials(config::Source& source, const std::string& name);

/// The path of the token endpoint at the customer service (not routed by the gateway).
inline constexpr std::string_view kServiceTokenPath = "/internal/v1/auth/token";

/// Service tokens of one service, one per audience, obtained from the customer service and kept until shortly
/// before they expire. Per worker thread (ADR 0001: no locks; each worker holds its own tokens). Single flight:
/// callers that need a token while one is being fetched wait for that fetch instead of starting another. A token
/// in its refresh window (the last quarter of its life) is renewed by the next caller while the others keep using
/// it; if the renewal fails, the still-valid token is used and the next caller tries again. Nothing blocks.
class TokenCache {
 public:
  TokenCache(http::Runtime& runtime, http::Client& client, ServiceCredentials credentials);
  ~TokenCache();
  TokenCache(const TokenCache&) = delete;
  TokenCache& operator=(const TokenCache&) = delete;

  /// A valid token of this service for `audience` (must be awaited on a runtime worker). Throws ApiError 503
  /// `auth.service_token_unavailable` when none can be obtained (customer down, credentials refused).
  boost::asio::awaitable<std::string> Token(std::string audience);

  [[nodiscard]] const std::string& client_id() const noexcept { return credentials_.client_id; }

  struct Shard;

 private:
  struct Obtained {
    std::string token;
    std::chrono::seconds lifetime{0};
  };
  boost::asio::awaitable<Obtained> Fetch(std::string audience) const;

  http::Client& client_;
  ServiceCredentials credentials_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace comptoir::service
