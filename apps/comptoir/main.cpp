// comptoir: one binary, many roles. Wires the services explicitly, in dependency order.
#include <csignal>
#include <iostream>
#include <memory>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/signal_set.hpp>

#include "comptoir/log.hpp"
#include "alert_receiver.hpp"
#include "gateway_main.hpp"
#include "comptoir/pg/migrate.hpp"
#include "comptoir/cart/cart.hpp"
#include "comptoir/customer/customer.hpp"
#include "comptoir/inventory/inventory.hpp"
#include "comptoir/order/order.hpp"
#include "comptoir/payment/payment.hpp"
#include "comptoir/product/product.hpp"
#include "comptoir/reporting/reporting.hpp"
#include "comptoir/sales/sales.hpp"
#include "comptoir/service/service.hpp"
#include "comptoir/web/web.hpp"

namespace {
namespace asio = boost::asio;
using comptoir::service::Definition;

// Every service compiled into this binary, in start order.
std::vector<const Definition*> AllServices() {
  return {&comptoir::product::Definition(), &comptoir::customer::Definition(), &comptoir::inventory::Definition(),
          &comptoir::sales::Definition(),   &comptoir::cart::Definition(),      &comptoir::payment::Definition(),
          &comptoir::order::Definition(),   &comptoir::reporting::Definition(), &comptoir::web::Definition()};
}

std::vector<const Definition*> Select(const std::string& name) {
  if (name == "all") return AllServices();
  for (const auto* d : AllServices()) {
    if (d->name == name) return {d};
  }
  return {};
}

struct Loaded {
  comptoir::service::CommonConfig common;
  std::vector<comptoir::service::ServiceConfig> services;
  /// Kept for the services' own settings, read when they are created (Serve).
  std::shared_ptr<comptoir::config::Source> source;
};

Loaded LoadConfig(const std::string& file, const std::vector<const Definition*>& defs) {
  auto source = std::make_shared<comptoir::config::Source>(comptoir::config::Source::FromFileAndEnv(file));
  Loaded loaded;
  loaded.common = comptoir::service::LoadCommon(*source);
  for (const auto* d : defs) loaded.services.push_back(comptoir::service::LoadServiceConfig(*source, *d));
  source->ThrowIfErrors();
  loaded.source = std::move(source);
  return loaded;
}

// Runs one coroutine to completion on a one-thread runtime; rethrows its exception.
void RunToCompletion(comptoir::http::Runtime& runtime, asio::awaitable<void> work) {
  std::exception_ptr failure;
  asio::co_spawn(runtime.Context(0), std::move(work), [&](std::exception_ptr e) {
    failure = e;
    runtime.Stop();
  });
  runtime.Run();
  if (failure) std::rethrow_exception(failure);
}

comptoir::pg::PoolOptions PoolFor(const comptoir::service::CommonConfig& common,
                                  const comptoir::service::ServiceConfig& config) {
  comptoir::pg::PoolOptions options;
  options.conninfo = config.database_url;
  options.application_name = "comptoir-" + config.name + "-admin";
  options.max_per_worker = 2;
  options.connect_timeout = common.db_connect_timeout;
  // Migrations may build indexes on large tables: give them time.
  options.statement_timeout = std::chrono::minutes(10);
  return options;
}

asio::awaitable<void> MigrateOne(comptoir::pg::Pool& pool, const Definition& def) {
  int applied = co_await comptoir::pg::Migrate(pool, def.name, def.migrations());
  comptoir::log::Info("migrations applied", {{"service", def.name}, {"applied", applied}});
}

asio::awaitable<void> SeedOne(comptoir::pg::Pool& pool, const Definition& def) {
  co_await def.seed(pool);
  comptoir::log::Info("demo data seeded", {{"service", def.name}});
}

enum class AdminTask { kMigrate, kSeed };

int RunAdmin(AdminTask task, const std::vector<const Definition*>& defs, const Loaded& loaded) {
  for (std::size_t i = 0; i < defs.size(); ++i) {
    if (!defs[i]->database) continue;  // nothing to migrate or seed
    comptoir::http::Runtime runtime(1);
    comptoir::pg::Pool pool(runtime, PoolFor(loaded.common, loaded.services[i]));
    if (task == AdminTask::kMigrate) {
      RunToCompletion(runtime, MigrateOne(pool, *defs[i]));
    } else {
      RunToCompletion(runtime, SeedOne(pool, *defs[i]));
    }
  }
  return 0;
}

struct ServeState {
  comptoir::http::Runtime* runtime;
  std::vector<std::unique_ptr<comptoir::service::Host>>* hosts;
  std::size_t remaining = 0;
};

void OnHostDrained(std::shared_ptr<ServeState> state) {
  // Called on some worker; the last host to finish ends the runtime.
  asio::post(state->runtime->Context(0), [state] {
    if (--state->remaining == 0) {
      comptoir::log::Info("stopped");
      state->runtime->Stop();
    }
  });
}

int Serve(const std::vector<const Definition*>& defs, const Loaded& loaded, bool migrate, bool seed) {
  if (migrate) RunAdmin(AdminTask::kMigrate, defs, loaded);
  if (seed) RunAdmin(AdminTask::kSeed, defs, loaded);
  comptoir::http::Runtime runtime(loaded.common.threads);
  comptoir::http::Client client(runtime, comptoir::http::ClientOptions{});
  std::vector<std::unique_ptr<comptoir::service::Host>> hosts;
  for (std::size_t i = 0; i < defs.size(); ++i) {
    hosts.push_back(std::make_unique<comptoir::service::Host>(runtime, *defs[i], loaded.common, loaded.services[i],
                                                              *loaded.source, client));
  }
  // Every service has read its own settings: report all problems at once, before anything listens.
  try {
    loaded.source->ThrowIfErrors();
  } catch (const comptoir::config::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  for (auto& host : hosts) host->Start();

  asio::signal_set signals(runtime.Context(0), SIGINT, SIGTERM);
  auto state = std::make_shared<ServeState>(ServeState{&runtime, &hosts, hosts.size()});
  signals.async_wait([state](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    comptoir::log::Info("shutting down", {{"signal", signal}});
    for (auto& host : *state->hosts) host->Shutdown([state] { OnHostDrained(state); });
  });
  comptoir::log::Info("started", {{"threads", static_cast<int>(runtime.size())},
                                  {"services", static_cast<int>(hosts.size())}});
  runtime.Run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"Comptoir: point of sale and online shop platform"};
  app.require_subcommand(1);
  std::string config_file;
  app.add_option("--config", config_file, "JSON configuration file (environment variables COMPTOIR_* win)")
      ->envname("COMPTOIR_CONFIG");
  std::string service = "all";
  bool migrate = false;
  bool seed = false;
  auto* serve = app.add_subcommand("serve", "Run service(s) until SIGINT/SIGTERM");
  serve->add_option("--service", service, "Service name, or all")->required();
  serve->add_flag("--migrate", migrate, "Apply migrations before serving");
  serve->add_flag("--seed", seed, "Insert the demo data before serving (idempotent)");
  auto* migrate_cmd = app.add_subcommand("migrate", "Apply database migrations");
  migrate_cmd->add_option("--service", service, "Service name, or all")->required();
  auto* seed_cmd = app.add_subcommand("seed", "Insert the demo data (idempotent, never destroys data)");
  seed_cmd->add_option("--service", service, "Service name, or all")->required();
  auto* list_cmd = app.add_subcommand("services", "List the services compiled in");
  comptoir::app::GatewayCli gateway_cli;
  auto* gateway_cmd = app.add_subcommand("gateway", "Run the Kong-compatible API gateway (SIGHUP reloads the file)");
  gateway_cmd->add_option("--config", gateway_cli.config_file, "Declarative configuration (kong.yml)")
      ->envname("COMPTOIR_GATEWAY_CONFIG");
  gateway_cmd->add_option("--listen", gateway_cli.listen, "Proxy address host:port")->envname("COMPTOIR_GATEWAY_LISTEN");
  gateway_cmd->add_option("--admin-listen", gateway_cli.admin_listen, "Admin API address host:port, or off")
      ->envname("COMPTOIR_GATEWAY_ADMIN_LISTEN");
  gateway_cmd->add_option("--threads", gateway_cli.threads, "Worker threads (0: one per core)")
      ->envname("COMPTOIR_GATEWAY_THREADS");
  gateway_cmd->add_flag("--access-log", gateway_cli.access_log, "Log every proxied request");
  gateway_cmd
      ->add_option("--upstream-keepalive-idle-timeout", gateway_cli.upstream_keepalive_idle_timeout,
                   "Seconds an idle upstream connection is kept (0: keep-alive to upstreams off)")
      ->envname("COMPTOIR_GATEWAY_UPSTREAM_KEEPALIVE_IDLE_TIMEOUT");
  gateway_cmd
      ->add_option("--client-timeout", gateway_cli.client_timeout,
                   "Seconds a client has to send a request head (also the idle keep-alive), and per body read or "
                   "answer write")
      ->envname("COMPTOIR_GATEWAY_CLIENT_TIMEOUT");
  gateway_cmd
      ->add_option("--body-limit", gateway_cli.body_limit,
                   "Largest request body (bytes) on a route without request-size-limiting (0: none)")
      ->envname("COMPTOIR_GATEWAY_BODY_LIMIT");
  gateway_cmd
      ->add_option("--admin-token-file", gateway_cli.admin_token_file,
                   "File with the Admin API token (else COMPTOIR_GATEWAY_ADMIN_TOKEN)")
      ->envname("COMPTOIR_GATEWAY_ADMIN_TOKEN_FILE");
  gateway_cmd
      ->add_option("--trusted-ips", gateway_cli.trusted_ips,
                   "Proxies whose real-IP header names the client (addresses/CIDRs, comma-separated)")
      ->envname("COMPTOIR_GATEWAY_TRUSTED_IPS");
  gateway_cmd->add_option("--real-ip-header", gateway_cli.real_ip_header, "X-Real-IP or X-Forwarded-For")
      ->envname("COMPTOIR_GATEWAY_REAL_IP_HEADER");
  gateway_cmd->add_option("--real-ip-recursive", gateway_cli.real_ip_recursive, "on: skip trusted proxies in X-Forwarded-For")
      ->envname("COMPTOIR_GATEWAY_REAL_IP_RECURSIVE");
  comptoir::app::AlertReceiverCli receiver_cli;
  auto* receiver_cmd =
      app.add_subcommand("alert-receiver", "Receive Alertmanager webhook notifications (local monitoring, tests)");
  receiver_cmd->add_option("--listen", receiver_cli.listen, "Address host:port")
      ->envname("COMPTOIR_ALERT_RECEIVER_LISTEN");
  receiver_cmd->add_option("--keep", receiver_cli.keep, "Notifications kept in memory")->check(CLI::Range(1, 100000));
  CLI11_PARSE(app, argc, argv);

  if (receiver_cmd->parsed()) {
    comptoir::log::Init("alert-receiver", comptoir::log::Level::kInfo);
    int rc = comptoir::app::RunAlertReceiver(receiver_cli);
    comptoir::log::Flush();
    return rc;
  }

  if (gateway_cmd->parsed()) {
    comptoir::log::Init("gateway", comptoir::log::ParseLevel(std::getenv("COMPTOIR_LOG_LEVEL") != nullptr
                                                                 ? std::getenv("COMPTOIR_LOG_LEVEL")
                                                                 : "info",
                                                             comptoir::log::Level::kInfo));
    int rc = comptoir::app::RunGateway(gateway_cli);
    comptoir::log::Flush();
    return rc;
  }
  if (list_cmd->parsed()) {
    for (const auto* d : AllServices()) std::cout << d->name << "\n";
    return 0;
  }
  auto defs = Select(service);
  if (defs.empty()) {
    std::cerr << "unknown service '" << service << "'; known: all";
    for (const auto* d : AllServices()) std::cerr << ", " << d->name;
    std::cerr << "\n";
    return 2;
  }
  Loaded loaded;
  try {
    loaded = LoadConfig(config_file, defs);
  } catch (const comptoir::config::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  const std::string process = defs.size() == 1 ? defs[0]->name : "comptoir";
  comptoir::log::Init(process, comptoir::log::ParseLevel(loaded.common.log_level, comptoir::log::Level::kInfo));
  int rc = 0;
  try {
    if (serve->parsed()) {
      rc = Serve(defs, loaded, migrate, seed);
    } else if (migrate_cmd->parsed()) {
      rc = RunAdmin(AdminTask::kMigrate, defs, loaded);
    } else if (seed_cmd->parsed()) {
      rc = RunAdmin(AdminTask::kSeed, defs, loaded);
    }
  } catch (const std::exception& e) {
    comptoir::log::Error("fatal", {{"error", e.what()}});
    rc = 1;
  }
  comptoir::log::Flush();
  return rc;
}
