#pragma once
// Internal state of the gateway, shared by the proxy sessions (proxy.cpp), the Admin API
// (admin.cpp) and the life cycle (gateway.cpp). Not a public header.
#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "comptoir/gateway/balancer.hpp"
#include "comptoir/gateway/config_loader.hpp"
#include "comptoir/gateway/gateway.hpp"
#include "comptoir/gateway/model.hpp"
#include "comptoir/gateway/plugin.hpp"
#include "comptoir/gateway/router.hpp"
#include "comptoir/http/client.hpp"
#include "comptoir/http/router.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/metrics.hpp"

namespace comptoir::redis {
class Client;
}

namespace comptoir::gateway {

/// One loaded configuration with everything derived from it. Immutable; requests hold a
/// shared_ptr to the state they started with, so a reload never changes a request mid-way.
struct State {
  std::shared_ptr<const Config> config;
  std::unique_ptr<KongRouter> router;
  /// Plugins of each route for a request without consumer (Kong precedence, priority order).
  std::vector<std::vector<const PluginInstance*>> route_plugins;
  /// Global plugins (requests that match no route still run them: rewrite, header, log).
  std::vector<const PluginInstance*> global_plugins;
  /// Route index -> true when one of its plugins needs the whole request / response body.
  std::vector<bool> route_needs_request_body;
  std::vector<bool> route_needs_response_body;
  /// Consumer index -> true when a plugin is scoped to that consumer. For the others, identifying
  /// the consumer leaves the route's plugin list as it is (no per-request ResolvePlugins).
  std::vector<bool> consumer_has_plugins;
  std::string raw_text;      ///< the document as loaded (POST /config?check_hash=1)
  std::string shown_config;  ///< the loaded document without its secrets, as JSON (GET /config)
  std::chrono::system_clock::time_point loaded_at;
};

/// Where a configuration comes from, for the rules it follows and the log line of the change.
struct LoadOrigin {
  std::string source;   ///< "start", "SIGHUP", "admin api"
  std::string who;      ///< the process or the Admin API client and its credential
  bool trusted = true;  ///< the operator's file: any `${NAME}`; otherwise only config_variables
};

/// A keep-alive connection to an upstream target, owned by one worker.
struct UpstreamConnection {
  boost::beast::tcp_stream stream;
  boost::beast::flat_buffer buffer;
  // A buffer with room for a whole typical response from the start: Beast reads at most the
  // free capacity (512 bytes on an empty buffer), so a small buffer costs extra recv calls.
  explicit UpstreamConnection(boost::asio::any_io_executor ex) : stream(std::move(ex)) { buffer.reserve(16 * 1024); }
  std::chrono::steady_clock::time_point idle_since;  ///< when it went back to the pool
};

struct ProxySession;

struct Gateway::Impl : std::enable_shared_from_this<Gateway::Impl> {
  Impl(http::Runtime& rt, GatewayOptions opts);

  http::Runtime& runtime;
  GatewayOptions options;
  metrics::Registry registry;        ///< kong_* metrics (GET /metrics on the Admin API)
  metrics::Registry admin_registry;  ///< the Admin API server's own http_* metrics
  http::Client probe_client;
  Balancers balancers;
  PluginEnv plugin_env;
  std::atomic<std::shared_ptr<const State>> state;
  std::mutex load_mutex;  ///< one load at a time (POST /config and SIGHUP)

  // Shared Redis clients for plugins, by "host:port/db".
  std::mutex redis_mutex;
  std::unordered_map<std::string, std::shared_ptr<redis::Client>> redis_clients;

  // Proxy listener.
  boost::asio::ip::tcp::acceptor acceptor;
  std::size_t next_worker = 0;
  std::uint16_t bound_port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<bool> accepting{false};  ///< the accept loop runs (its pending accept owns a socket)
  std::atomic<int> open_sessions{0};
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> total_requests{0};
  std::atomic<int> reading{0};
  std::atomic<int> writing{0};
  std::vector<std::unordered_set<ProxySession*>> sessions;  ///< per worker, touched on its thread
  /// Idle upstream connections per worker by "host:port".
  std::vector<std::unordered_map<std::string, std::vector<std::unique_ptr<UpstreamConnection>>>> pools;

  // Admin API.
  http::Router admin_router;
  std::unique_ptr<http::Server> admin_server;

  ReloadResult Load(std::string_view text, const LoadOrigin& origin);
  std::shared_ptr<const State> Current() const { return state.load(std::memory_order_acquire); }
};

/// Builds a State from a loaded Config (router, plugin lists); `shown_config` is what GET /config shows.
std::shared_ptr<const State> BuildState(std::shared_ptr<const Config> config, std::string raw_text,
                                        std::string shown_config);
/// "sha256:<12 hex>" of the admin token: names the credential in logs without showing it.
std::string CredentialFingerprint(std::string_view token);
/// Adds the Admin API routes.
void AddAdminRoutes(http::Router& router, Gateway::Impl* impl);
/// Starts the proxy accept loop.
void StartProxy(std::shared_ptr<Gateway::Impl> impl);
/// Closes idle client connections of the calling worker (shutdown).
void CloseIdleSessions(Gateway::Impl& impl, std::size_t worker);

}  // namespace comptoir::gateway
