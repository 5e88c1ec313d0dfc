#pragma once
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "comptoir/testing/http.hpp"
#include "comptoir/testing/process.hpp"

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
};

/// A running Comptoir for an integration test: real services on free loopback ports, each with its own
/// database, talking to each other over HTTP (`<service>.<peer>_url` settings point every service at
/// every other one started), a JWT secret shared by services and gateway, an event stream of its own
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
  /// Database of a service (for checks that read the tables, e.g. the outbox).
  [[nodiscard]] const std::string& Conninfo(const std::string& service) const;
  /// The HS256 secret every process was given (COMPTOIR_AUTH_JWT_SECRET); issuer "comptoir".
  [[nodiscard]] const std::string& JwtSecret() const { return jwt_secret_; }
  [[nodiscard]] std::string LogFile(const std::string& process) const;

  /// Stops one service instance (SIGKILL when `kill`, else SIGTERM) / starts it again on the same port and
  /// database.
  void StopService(const std::string& service, bool kill = false, int instance = 0);
  void StartService(const std::string& service, int instance = 0);
  /// Sends `signal` to one service instance (SIGSTOP / SIGCONT for a stalled process).
  void SignalService(const std::string& service, int signal, int instance = 0);
  /// Stops the gateway (SIGKILL when `kill`) / starts it again on the same ports and configuration.
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
  std::string jwt_secret_;
  std::string dir_;
  std::vector<Service> services_;
  int gateway_port_ = 0;
  int gateway_admin_port_ = 0;
  std::unique_ptr<ChildProcess> gateway_;
  ProcessOptions gateway_options_;
};

/// The API key of the test-automation consumer of deploy/kong.yml.
inline constexpr const char* kTestApiKey = "pos-test-automation-dev-key-2025";

}  // namespace comptoir::testing
