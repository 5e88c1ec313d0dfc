#pragma once
// The plugin interface: Kong's phases (access, header_filter, body_filter, log) as virtual calls,
// ordered by Kong's PRIORITY (higher first), with Kong's precedence of scopes.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "comptoir/error.hpp"
#include "comptoir/gateway/model.hpp"
#include "comptoir/gateway/schema.hpp"
#include "comptoir/gateway/trace_context.hpp"
#include "comptoir/http/message.hpp"

namespace comptoir::http {
class Runtime;
}
namespace comptoir::metrics {
class Registry;
}
namespace comptoir::redis {
class Client;
}

namespace comptoir::gateway {

class HealthView;

/// What plugins see of one request going through the gateway.
struct RequestContext {
  http::Request& request;  ///< what will be sent upstream: plugins may change headers, query, body
  const Config& config;
  const Route* route = nullptr;
  const Service* service = nullptr;
  int route_index = -1;
  int service_index = -1;
  const Consumer* consumer = nullptr;
  int consumer_index = -1;
  std::string credential_id;  ///< id of the credential that authenticated, if any
  bool anonymous = false;
  std::string client_ip;      ///< the client's address (Kong's realip: a trusted proxy's header, or the peer)
  std::string connection_ip;  ///< the TCP peer's address (the proxy itself, when one is trusted)
  std::string request_id;      ///< the correlation id given to this request
  bool body_buffered = false;  ///< request.body holds the whole body (a plugin asked for it)

  /// Set by a plugin that answers itself (auth failure, rate limit, preflight): no proxying.
  std::optional<http::Response> exit;
  /// Headers added to the downstream response whatever its origin (rate-limit, CORS, echo).
  http::Headers response_headers;

  // Filled by the proxy for the log phase.
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  int status = 0;
  bool from_upstream = false;  ///< the upstream answered (Kong's source="service")
  double upstream_latency_ms = -1;
  double kong_latency_ms = 0;
  double request_latency_ms = 0;
  std::uint64_t bytes_received = 0;  ///< from the client (ingress)
  std::uint64_t bytes_sent = 0;      ///< to the client (egress)
  std::string upstream;              ///< upstream name, if balanced
  std::string target;                ///< "host:port" that answered

  /// The request's W3C trace id and the gateway's own span id (request.traceparent, which the proxy
  /// sets before any plugin runs and sends upstream), for log lines.
  [[nodiscard]] std::string_view TraceId() const noexcept { return TraceIdOf(request.traceparent); }
  [[nodiscard]] std::string_view SpanId() const noexcept { return SpanIdOf(request.traceparent); }
};

/// Everything a plugin may need at creation; outlives every plugin instance.
struct PluginEnv {
  http::Runtime* runtime = nullptr;
  metrics::Registry* registry = nullptr;  ///< the gateway's metrics (served on /metrics)
  const HealthView* health = nullptr;     ///< upstream target health, for metrics
  /// Shared Redis clients by "host:port/db", created on demand (rate-limiting policy redis).
  std::function<std::shared_ptr<redis::Client>(const std::string& host, int port, const std::string& password,
                                               int database, std::chrono::milliseconds timeout)>
      redis;
  std::string node_id;
};

/// One configured plugin. Instances are immutable after creation and shared by all workers, so
/// any per-request or counting state must be thread-safe (atomics, or per-worker shards).
class Plugin {
 public:
  virtual ~Plugin() = default;
  /// Kong's handler PRIORITY: higher runs first in access, header and log phases.
  [[nodiscard]] virtual int Priority() const = 0;
  [[nodiscard]] virtual std::string_view Name() const = 0;
  /// The whole request body must be in request.body before Access (e.g. JSON transformations).
  [[nodiscard]] virtual bool NeedsRequestBody() const { return false; }
  /// The whole response body must be buffered so BodyFilter can rewrite it.
  [[nodiscard]] virtual bool NeedsResponseBody() const { return false; }
  /// Largest request body, in bytes, this plugin lets through once Access passed (nullopt: no
  /// limit). The proxy counts the body as it reads it, including a chunked upload it streams
  /// upstream; past the smallest limit of the request's plugins it stops, drops the upstream
  /// connection and answers RequestBodyTooLarge() (nothing has been sent to the client then).
  [[nodiscard]] virtual std::optional<std::uint64_t> MaxRequestBodyBytes(const RequestContext& /*ctx*/) const {
    return std::nullopt;
  }
  /// The answer when the body went past MaxRequestBodyBytes() (Kong's 413 by default).
  [[nodiscard]] virtual http::Response RequestBodyTooLarge(const RequestContext& ctx) const;
  /// Runs before a route is matched (Kong's rewrite phase, global plugins only: correlation-id).
  virtual void Rewrite(RequestContext& ctx) const {}
  /// Access phase, synchronous part. May set ctx.exit.
  virtual void Access(RequestContext& ctx) const {}
  /// True when AccessAsync must be awaited (I/O such as Redis).
  [[nodiscard]] virtual bool HasAsyncAccess() const { return false; }
  virtual boost::asio::awaitable<void> AccessAsync(RequestContext& ctx) const;
  /// Response headers (from the upstream or from an exit), before they go to the client.
  virtual void HeaderFilter(RequestContext& ctx, http::Response& response) const {}
  /// True when HeaderFilter does something. Without such a plugin the proxy writes the upstream's
  /// response head straight to the client (headers a plugin adds to every answer belong in
  /// ctx.response_headers, which the proxy applies either way).
  [[nodiscard]] virtual bool HasHeaderFilter() const { return false; }
  /// Whole response body, only for plugins whose NeedsResponseBody() is true.
  virtual void BodyFilter(RequestContext& ctx, http::Response& response) const {}
  /// After the response was sent.
  virtual void Log(const RequestContext& ctx) const {}
};

/// Kong's `kong.response.error` JSON body: {"message": ..., "request_id": ...}.
http::Response KongError(int status, std::string_view message, std::string_view request_id);

/// The gateway's own answers that are not a Kong plugin's (its default body limit, the Admin API's
/// credential): RFC 9457 application/problem+json with a stable `code`, plus Kong's `message`, so
/// that a client reading Kong's error bodies still finds one.
http::Response GatewayProblem(const ApiError& error, std::string_view kong_message, std::string_view request_id);

/// Creates a plugin from its `config` (read with `reader`, which records problems and fills the
/// normalised config with Kong's defaults). Returns nullptr when `reader` has errors.
using PluginFactory = std::shared_ptr<Plugin> (*)(SchemaReader& reader, const PluginEnv& env);

/// The plugins this gateway knows (explicit table in gateway/plugins/registry.cpp).
PluginFactory FindPluginFactory(std::string_view name);
/// Names of every known plugin (Admin API `GET /` shows them as available_on_server).
std::vector<std::string_view> KnownPlugins();

}  // namespace comptoir::gateway
