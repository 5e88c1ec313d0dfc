#pragma once
#include <map>
#include <span>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/config.hpp"
#include "comptoir/http/message.hpp"
#include "comptoir/http/router.hpp"

namespace comptoir::customer {

/// The service clients customer knows: client id → SHA-256 hex digest of its secret. Read from
/// `customer.service_clients` (env COMPTOIR_CUSTOMER_SERVICE_CLIENTS): `name=<64 hex>` pairs separated by commas.
/// The secrets themselves are never given to customer (ADR 0008).
using ServiceClients = std::map<std::string, std::string, std::less<>>;

/// Reads ServiceClients; problems are recorded in `source`. An empty setting means no service may obtain a token.
ServiceClients LoadServiceClients(config::Source& source);

/// POST /internal/v1/auth/token: OAuth 2.0 client credentials (RFC 6749 §4.4) for the services. The gateway does
/// not route /internal. A client proves itself with its secret (HTTP Basic, or client_id and client_secret in the
/// form body), asks for an `audience` (the service it will call) and optionally a `scope`; it gets a short-lived
/// EdDSA token with the scopes that auth::ServiceGrants() allows it for that audience, nothing more.
class ServiceTokens {
 public:
  ServiceTokens(const auth::JwtSettings& jwt, ServiceClients clients) : jwt_(jwt), clients_(std::move(clients)) {}

  boost::asio::awaitable<http::Response> Issue(http::Request& request);

 private:
  const auth::JwtSettings& jwt_;
  ServiceClients clients_;
};

/// One line of the internal route table.
struct ServiceTokenRoute {
  http::Method method;
  std::string_view pattern;
};

/// The internal routes (for the OpenAPI coverage test).
std::span<const ServiceTokenRoute> ServiceTokenRoutes();

/// Adds the internal routes, bound to `tokens` (which must outlive the router).
void AddServiceTokenRoutes(http::Router& router, ServiceTokens& tokens);

}  // namespace comptoir::customer
