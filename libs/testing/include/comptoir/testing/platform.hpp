#pragma once
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "comptoir/testing/http.hpp"
#include "comptoir/testing/process.hpp"
#include "comptoir/testing/tokens.hpp"

namespace comptoir::testing {

/// What a Platform starts.
struct PlatformOptions {
  /// Services started in this order, one `comptoir serve --service <name> --migrate --seed` process each,
  /// each with a fresh database on the "pg" fixture (e.g. {"product", "inventory", "customer", "sales"}).
  std::vector<std::string> services;
  /// Also start `comptoir gateway` with the repository's deploy/kong.yml ($COMPTOIR_GATEWAY_KONG_YML),
  /// its service addresses rewritten to the test ports.
  bool gateway = true;
  /// Prefix of database names and log files.
  std::string name = "platform";
  /// Extra environment for every process (e.g. {"COMPTOIR_INVENTORY_RESERVATION_TTL_S", "2"}).
  std::vector<std::pair<std::string, std::string>> env;
  /// Instances per service (default 1), e.g. {{"cart", 3}}: each its own process and port, one database;
  /// instance i gets COMPTOIR_<SERVICE>_INSTANCE_ID=<service>-<i+1>, and kong.yml's targets of that
  /// service's upstream are rewritten to the instances' ports.
  std::map<std::string, int> instances;
  /// A PostgreSQL cluster of the test's own for the services' databases (a PgCluster's state_dir(), for
  /// tests that restart the server); empty: the "pg" fixture's.
  std::filesystem::path pg_state_dir;
  /// A Redis of the test's own (a RedisServer's port, for tests that stop it); 0: the "redis" fixture's.
  int redis_port = 0;
  /// deploy/kong.yml's per-IP and per-consumer rate limits counted in Redis (the test's own, else the
  /// fixture's). Off by default: every test signs in from 127.0.0.1, and platforms running in parallel
  /// would share one per-IP budget; off, the gateway finds no Redis and lets requests through (fault
  /// tolerant). Tests of the limits turn it on and use addresses of their own (127.a.b.c).
  bool rate_limits = false;
};

/// A running Comptoir for an integration test: real services on free loopback ports, each with its own
/// database, talking to each other over HTTP (`<service>.<peer>_url` settings point every service at
/// every other one started), its own keys (ADR 0008: an Ed25519 pair, the private key for customer only, the public
/// key for every other service and the gateway; a client secret per service, their digests for customer), an event
/// stream of its own
/// (COMPTOIR_EVENTS_STREAM, unless `env` names one), and the gateway in front.
/// Processes are stopped (by pid) when the object goes.
class Platform {
 public:
  explicit Platform(PlatformOptions options);
  ~Platform();
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  /// Direct port of a service (of its instance `instance`).
  [[nodiscard]] int Port(const std::string& service, int instance = 0) const;
  [[nodiscard]] int GatewayPort() const { return gateway_port_; }
  /// The gateway's Admin API (upstream health, /metrics).
  [[nodiscard]] int GatewayAdminPort() const { return gateway_admin_port_; }
  /// The Admin API's credential (COMPTOIR_GATEWAY_ADMIN_TOKEN), to send as `Kong-Admin-Token`.
  [[nodiscard]] const std::string& GatewayAdminToken() const { return gateway_admin_token_; }
  /// Database of a service (for checks that read the tables, e.g. the outbox).
  [[nodiscard]] const std::string& Conninfo(const std::string& service) const;
  /// The platform's keys and the tokens tests mint with them (each role, expired, forged, any service token).
  [[nodiscard]] const TestAuth& Auth() const noexcept { return auth_; }
  /// The settings customer signs with: `auth::IssueToken(platform.Jwt(), who, now)`.
  [[nodiscard]] const auth::JwtSettings& Jwt() const noexcept { return auth_.Jwt(); }
  /// The client secret of `service` (COMPTOIR_<SERVICE>_CLIENT_SECRET).
  [[nodiscard]] const std::string& ClientSecret(const std::string& service) const;
  /// A service token obtained from the running customer service as `client` would (client credentials, HTTP
  /// Basic with its secret), for `audience`; throws std::runtime_error when customer refuses.
  [[nodiscard]] std::string ObtainServiceToken(const std::string& client, const std::string& audience) const;
  [[nodiscard]] std::string LogFile(const std::string& process) const;

  /// Stops one service instance (SIGKILL when `kill`, else SIGTERM) / starts it again on the same port and
  /// database.
  void StopService(const std::string& service, bool kill = false, int instance = 0);
  void StartService(const std::string& service, int instance = 0);
  /// Sends `signal` to one service instance (SIGSTOP / SIGCONT for a stalled process).
  void SignalService(const std::string& service, int signal, int instance = 0);

  /// Stops the gateway (SIGKILL when `kill`) / starts it again on the same ports and configuration: the
  /// platform "unreachable" for its clients while every service keeps running.
  void StopGateway(bool kill = false);
  void StartGateway();

  /// A request through the gateway with the test-automation API key (and `bearer` as a token when set).
  HttpResult Call(const std::string& method, const std::string& target, const std::string& body = {},
                  const std::string& bearer = {}, std::vector<std::pair<std::string, std::string>> headers = {}) const;

 private:
  struct Instance {
    int port = 0;
    std::unique_ptr<ChildProcess> process;
  };
  struct Service {
    std::string name;
    std::string conninfo;
    std::vector<Instance> instances;
  };
  std::vector<std::pair<std::string, std::string>> EnvFor(const Service& service, int instance) const;
  Service& Find(const std::string& name);
  [[nodiscard]] const Service& Find(const std::string& name) const;

  PlatformOptions options_;
  TestAuth auth_;
  std::map<std::string, std::string> client_secrets_;
  std::string dir_;
  std::vector<Service> services_;
  int gateway_port_ = 0;
  int gateway_admin_port_ = 0;
  std::string gateway_admin_token_;
  std::unique_ptr<ChildProcess> gateway_;
  std::string gateway_config_;
};

/// The API key of the test-automation consumer of deploy/kong.yml.
inline constexpr const char* kTestApiKey = "pos-test-automation-dev-key-2025";

}  // namespace comptoir::testing
