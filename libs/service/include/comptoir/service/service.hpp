#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "comptoir/config.hpp"
#include "comptoir/embedded.hpp"
#include "comptoir/events/relay.hpp"
#include "comptoir/http/client.hpp"
#include "comptoir/http/router.hpp"
#include "comptoir/http/runtime.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/metrics.hpp"
#include "comptoir/pg/pg.hpp"
#include "comptoir/redis/redis.hpp"
#include "comptoir/service/retention.hpp"

namespace comptoir::service {

/// Settings every process shares, read from `http.*`, `db.*`, `log.*`, `docs.*`.
struct CommonConfig {
  int threads = 0;  ///< 0: one per core
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds write_timeout{30000};
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 1024 * 1024;
  std::chrono::milliseconds shutdown_grace{10000};
  bool access_log = true;
  std::size_t db_pool_size = 8;  ///< per worker thread
  std::chrono::milliseconds db_connect_timeout{3000};
  std::chrono::milliseconds db_statement_timeout{5000};
  std::string log_level = "info";
  std::string swagger_dir;  ///< directory of swagger-ui-dist
};

/// Reads CommonConfig; problems are recorded in `source` (reported together by ThrowIfErrors).
CommonConfig LoadCommon(config::Source& source);

/// Settings of one service: `<name>.http.host`, `<name>.http.port`, `<name>.database_url` (services with a
/// database).
struct ServiceConfig {
  std::string name;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string database_url;
};

/// What a running service gets from the process that hosts it. Everything outlives the service.
struct Context {
  http::Runtime& runtime;
  metrics::Registry& registry;
  pg::Pool& db;
  const CommonConfig& common;
  const ServiceConfig& config;
  /// The process's settings, for the service's own keys (`<name>.*`, `auth.*`), read once in `create`.
  /// Problems are recorded there and reported together, before any service listens.
  config::Source& settings;
  /// Keep-alive HTTP client shared by the services of the process, for calls to other services.
  http::Client& client;
};

/// A service's handlers and state; it adds its routes to the router once, at start.
class Instance {
 public:
  virtual ~Instance() = default;
  virtual void AddRoutes(http::Router& router) = 0;
  /// What GET /ready checks (throws an ApiError when not ready). Empty: the database answers a ping.
  virtual std::function<boost::asio::awaitable<void>()> ReadyCheck() { return {}; }
  /// Starts the service's background work (e.g. an event consumer), once the server listens.
  virtual void Start() {}
  /// Ends the service's background work (service::Periodic::Stop, a consumer), awaited on worker 0 after the
  /// server has drained and before the pool goes away.
  virtual boost::asio::awaitable<void> Stop() { co_return; }
  /// Retention jobs that need the instance's state (e.g. its Redis), run with Definition::retention's.
  virtual std::vector<RetentionJob> RetentionJobs() { return {}; }
};

/// Everything the `comptoir` executable needs to know about one service.
struct Definition {
  std::string name;
  std::uint16_t default_port = 0;
  /// False for a service without a PostgreSQL database of its own (cart keeps its state in Redis): no
  /// `<name>.database_url`, no migrations, no seed; Context::db is then a pool that is never connected.
  bool database = true;
  /// False for a service that publishes no events (no `outbox` table in its migrations): no outbox relay.
  bool outbox = true;
  std::function<std::vector<EmbeddedFile>()> migrations;
  std::string_view openapi;  ///< OpenAPI 3.1 document (JSON text)
  std::function<std::unique_ptr<Instance>(Context&)> create;
  /// Inserts the demo data of DESIGN §7 that belongs to this service; never duplicates, never destroys.
  std::function<boost::asio::awaitable<void>(pg::Pool&)> seed;
  /// The tables the retention job purges (retention.hpp; ADR 0065), e.g. IdempotencyKeysRetention(); their ages
  /// are `<name>.retention.<table>_days` and are listed in the service's README.
  std::vector<RetentionJob> retention;
};

/// Reads `<definition.name>.*` settings; problems recorded in `source`.
ServiceConfig LoadServiceConfig(config::Source& source, const Definition& definition);

/// Options of the routes every process serves.
struct StandardRoutes {
  std::string service;
  metrics::Registry* registry = nullptr;
  std::function<boost::asio::awaitable<void>()> ready_check;  ///< throws when not ready
  std::string_view openapi;
  std::string swagger_dir;
};

/// Adds GET /health, /ready, /metrics, /openapi.json, /docs and /docs/{file}.
void AddStandardRoutes(http::Router& router, StandardRoutes options);

/// One service running in this process: its registry, pool, router, instance and server, and — for a
/// service with a database when `events.*` says events flow (`redis.url` or `events.redis_url` set,
/// `events.enabled` true; libs/events/settings.hpp) — the outbox relay that publishes its events to the
/// Redis Stream (libs/events/relay.hpp), and the retention job over Definition::retention and
/// Instance::RetentionJobs() (retention.hpp; `retention.enabled`). Shutdown drains the server, stops the
/// instance's background work, the retention job, then the relay (unpublished events stay in the outbox for the
/// next start).
class Host {
 public:
  /// Creates the service (its `create` reads its settings from `settings`); nothing listens yet.
  Host(http::Runtime& runtime, const Definition& definition, const CommonConfig& common, ServiceConfig config,
       config::Source& settings, http::Client& client);
  ~Host();
  /// Binds the port and starts serving.
  void Start();
  void Shutdown(std::function<void()> done);
  [[nodiscard]] std::uint16_t port() const;
  [[nodiscard]] pg::Pool& db() { return *db_; }

 private:
  http::Runtime& runtime_;
  const Definition& definition_;
  const CommonConfig& common_;
  ServiceConfig config_;
  metrics::Registry registry_;
  std::unique_ptr<pg::Pool> db_;
  http::Router router_;
  std::unique_ptr<Instance> instance_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<redis::Client> events_redis_;  ///< the relay's own connections (none without a relay)
  std::unique_ptr<events::Relay> relay_;
  std::unique_ptr<Retention> retention_;
};

}  // namespace comptoir::service
