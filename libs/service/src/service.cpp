#include "comptoir/service/service.hpp"

#include <fstream>
#include <sstream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>

#include "comptoir/log.hpp"
#include "comptoir/service/periodic.hpp"

namespace comptoir::service {
namespace asio = boost::asio;

CommonConfig LoadCommon(config::Source& s) {
  CommonConfig c;
  c.threads = static_cast<int>(s.Int("http.threads", 0, 0, 256));
  c.read_timeout = std::chrono::milliseconds(s.Int("http.read_timeout_ms", 30000, 100, 3600000));
  c.write_timeout = std::chrono::milliseconds(s.Int("http.write_timeout_ms", 30000, 100, 3600000));
  c.header_limit = static_cast<std::size_t>(s.Int("http.header_limit_bytes", 16 * 1024, 1024, 1024 * 1024));
  c.body_limit = static_cast<std::size_t>(s.Int("http.body_limit_bytes", 1024 * 1024, 1024, 1024LL * 1024 * 1024));
  c.shutdown_grace = std::chrono::milliseconds(s.Int("http.shutdown_grace_ms", 10000, 0, 600000));
  c.access_log = s.Bool("http.access_log", true);
  c.db_pool_size = static_cast<std::size_t>(s.Int("db.pool_size", 8, 1, 1000));
  c.db_connect_timeout = std::chrono::milliseconds(s.Int("db.connect_timeout_ms", 3000, 100, 600000));
  c.db_statement_timeout = std::chrono::milliseconds(s.Int("db.statement_timeout_ms", 5000, 100, 3600000));
  c.log_level = s.String("log.level", "info");
  s.Check(c.log_level == "debug" || c.log_level == "info" || c.log_level == "warn" || c.log_level == "error",
          "log.level", "'" + c.log_level + "' is not one of debug, info, warn, error");
  c.swagger_dir = s.String("docs.swagger_dir", COMPTOIR_DEFAULT_SWAGGER_DIR);
  return c;
}

ServiceConfig LoadServiceConfig(config::Source& s, const Definition& d) {
  ServiceConfig c;
  c.name = d.name;
  c.host = s.String(d.name + ".http.host", "127.0.0.1");
  c.port = static_cast<std::uint16_t>(s.Int(d.name + ".http.port", d.default_port, 0, 65535));
  if (d.database) c.database_url = s.RequiredString(d.name + ".database_url");
  return c;
}

namespace {

std::string_view ContentTypeFor(std::string_view file) {
  if (file.ends_with(".js")) return "application/javascript";
  if (file.ends_with(".css")) return "text/css";
  if (file.ends_with(".png")) return "image/png";
  if (file.ends_with(".html")) return "text/html; charset=utf-8";
  if (file.ends_with(".map") || file.ends_with(".json")) return "application/json";
  return "application/octet-stream";
}

// The Swagger UI page: assets come from the swagger-ui-dist npm package installed by the build.
std::string DocsPage(std::string_view service) {
  std::string page = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Comptoir )";
  page += service;
  page += R"( API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui"});</script>
</body></html>
)";
  return page;
}

// Reads a small static asset. Called rarely (browsers cache /docs assets); bounded in size.
std::optional<std::string> ReadAsset(const std::string& dir, std::string_view name) {
  if (dir.empty() || name.empty() || name.find("..") != std::string_view::npos ||
      name.find('/') != std::string_view::npos) {
    return std::nullopt;
  }
  std::ifstream in(dir + "/" + std::string(name), std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream data;
  data << in.rdbuf();
  return data.str();
}

}  // namespace

void AddStandardRoutes(http::Router& router, StandardRoutes options) {
  auto shared = std::make_shared<StandardRoutes>(std::move(options));
  router.Add(http::Method::kGet, "/health", [shared](http::Request&) -> asio::awaitable<http::Response> {
    co_return http::Response::Json(200, R"({"status":"ok","service":")" + shared->service + "\"}");
  });
  router.Add(http::Method::kGet, "/ready", [shared](http::Request&) -> asio::awaitable<http::Response> {
    if (shared->ready_check) {
      try {
        co_await shared->ready_check();
      } catch (const ApiError& e) {
        throw ApiError(ErrorKind::kUnavailable, "service.not_ready", shared->service + " is not ready: " + e.detail());
      }
    }
    co_return http::Response::Json(200, R"({"status":"ready","service":")" + shared->service + "\"}");
  });
  router.Add(http::Method::kGet, "/metrics", [shared](http::Request&) -> asio::awaitable<http::Response> {
    co_return http::Response::Text(200, shared->registry ? shared->registry->Render() : std::string(),
                                   "text/plain; version=0.0.4; charset=utf-8");
  });
  router.Add(http::Method::kGet, "/openapi.json", [shared](http::Request&) -> asio::awaitable<http::Response> {
    co_return http::Response::Json(200, std::string(shared->openapi));
  });
  router.Add(http::Method::kGet, "/docs", [shared](http::Request&) -> asio::awaitable<http::Response> {
    co_return http::Response::Text(200, DocsPage(shared->service), "text/html; charset=utf-8");
  });
  router.Add(http::Method::kGet, "/docs/{file}", [shared](http::Request& request) -> asio::awaitable<http::Response> {
    auto file = request.PathParam("file");
    auto data = ReadAsset(shared->swagger_dir, file);
    if (!data) throw ApiError::NotFound("docs.not_found", "no documentation asset named " + std::string(file));
    auto r = http::Response::Text(200, std::move(*data), ContentTypeFor(file));
    r.headers.Set("Cache-Control", "public, max-age=86400");
    co_return r;
  });
}

namespace {
asio::awaitable<void> PingDatabase(pg::Pool* pool) { co_await pool->Ping(std::chrono::milliseconds(2000)); }
}  // namespace

Host::Host(http::Runtime& runtime, const Definition& definition, const CommonConfig& common, ServiceConfig config,
           config::Source& settings, http::Client& client)
    : runtime_(runtime), definition_(definition), common_(common), config_(std::move(config)) {
  pg::PoolOptions pool_options;
  pool_options.conninfo = config_.database_url;
  pool_options.application_name = "comptoir-" + definition_.name;
  pool_options.max_per_worker = common_.db_pool_size;
  pool_options.connect_timeout = common_.db_connect_timeout;
  pool_options.statement_timeout = common_.db_statement_timeout;
  db_ = std::make_unique<pg::Pool>(runtime, pool_options, definition_.database ? &registry_ : nullptr);

  Context context{runtime, registry_, *db_, common_, config_, settings, client};
  instance_ = definition_.create(context);
  instance_->AddRoutes(router_);
  pg::Pool* pool = db_.get();
  auto ready_check = instance_->ReadyCheck();
  if (!ready_check) ready_check = [pool]() { return PingDatabase(pool); };
  AddStandardRoutes(router_, StandardRoutes{definition_.name, &registry_, std::move(ready_check),
                                            definition_.openapi, common_.swagger_dir});

  http::ServerOptions server_options;
  server_options.name = definition_.name;
  server_options.host = config_.host;
  server_options.port = config_.port;
  server_options.read_timeout = common_.read_timeout;
  server_options.write_timeout = common_.write_timeout;
  server_options.header_limit = common_.header_limit;
  server_options.body_limit = common_.body_limit;
  server_options.shutdown_grace = common_.shutdown_grace;
  server_options.access_log = common_.access_log;
  server_ = std::make_unique<http::Server>(runtime, server_options, router_, registry_);

  // The retention job: the tables the service declares, plus those its instance adds (ADR 0065).
  if (definition_.database) {
    RetentionSettings retention_settings = LoadRetentionSettings(settings);
    std::vector<RetentionJob> jobs = definition_.retention;
    for (RetentionJob& job : instance_->RetentionJobs()) jobs.push_back(std::move(job));
    std::vector<ResolvedRetention> resolved = ResolveRetention(settings, definition_.name, std::move(jobs));
    if (retention_settings.enabled && !resolved.empty()) {
      retention_ = std::make_unique<Retention>(runtime.Context(0), *db_, definition_.name, retention_settings,
                                               std::move(resolved), &registry_);
    }
  }

  // The outbox relay: every service with a database may write events (an empty outbox costs one indexed
  // query per poll interval).
  if (definition_.database && definition_.outbox) {
    events::Settings events_settings = events::LoadSettings(settings);
    if (events_settings.Active()) {
      try {
        events_redis_ = std::make_unique<redis::Client>(runtime, redis::ParseUrl(events_settings.redis_url));
        relay_ = std::make_unique<events::Relay>(runtime, *db_, *events_redis_, std::move(events_settings),
                                                 definition_.name, &registry_);
      } catch (const std::invalid_argument& e) {
        settings.Check(false, "events.redis_url", e.what());
      }
    }
  }
}

Host::~Host() = default;

void Host::Start() {
  server_->Start();
  instance_->Start();
  if (retention_) retention_->Start();
  if (relay_) relay_->Start();
}

namespace {
// Requests first (drained by the server), then the service's background tasks and the retention job (they may
// still use the pool), then the outbox relay, then `done`.
asio::awaitable<void> StopInstance(Instance* instance, Retention* retention, events::Relay* relay) {
  co_await instance->Stop();
  if (retention != nullptr) co_await retention->Stop();
  if (relay != nullptr) co_await AwaitDone([relay](std::function<void()> done) { relay->Stop(std::move(done)); });
}
}  // namespace

void Host::Shutdown(std::function<void()> done) {
  server_->Shutdown([this, done = std::move(done)]() mutable {
    asio::co_spawn(runtime_.Context(0), StopInstance(instance_.get(), retention_.get(), relay_.get()),
                   [done = std::move(done)](std::exception_ptr) { done(); });
  });
}
std::uint16_t Host::port() const { return server_->port(); }

}  // namespace comptoir::service
