#include "comptoir/testing/platform.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include <boost/json.hpp>

#include "comptoir/auth/keys.hpp"
#include "comptoir/testing/pg.hpp"

namespace comptoir::testing {

namespace {

// Ports of deploy/kong.yml (DESIGN §4), rewritten to the test ports.
const std::map<std::string, std::vector<int>>& DeployPorts() {
  static const std::map<std::string, std::vector<int>> ports{
      {"product", {8001}},  {"inventory", {8002}}, {"sales", {8003}},
      {"reporting", {8004}}, {"customer", {8005}}, {"cart", {8006, 8016, 8026}},
      {"order", {8007}},    {"web", {8008}}};
  return ports;
}

std::string Upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

Platform::Platform(PlatformOptions options) : options_(std::move(options)) {
  if (ComptoirBin().empty()) throw std::runtime_error("COMPTOIR_BIN must name the comptoir executable");
  std::string unique = options_.name + "_" + std::to_string(::getpid()) + "_" + std::to_string(FreePort());
  dir_ = (StateDir() / unique).string();
  std::filesystem::create_directories(dir_);
  for (const auto& name : options_.services) client_secrets_[name] = auth::RandomToken(32);
  for (const auto& name : options_.services) {
    Service service;
    service.name = name;
    service.conninfo = options_.pg_state_dir.empty() ? CreateDatabase(options_.name + "_" + name)
                                                     : CreateDatabase(options_.name + "_" + name, options_.pg_state_dir);
    auto count = options_.instances.contains(name) ? options_.instances.at(name) : 1;
    for (int i = 0; i < count; ++i) service.instances.push_back(Instance{FreePort(), nullptr});
    services_.push_back(std::move(service));
  }
  for (auto& service : services_) {
    for (std::size_t i = 0; i < service.instances.size(); ++i) StartService(service.name, static_cast<int>(i));
  }

  if (!options_.gateway) return;
  const char* kong = std::getenv("COMPTOIR_GATEWAY_KONG_YML");
  if (kong == nullptr) throw std::runtime_error("COMPTOIR_GATEWAY_KONG_YML must name deploy/kong.yml");
  std::string config = ReadFile(kong);
  for (const auto& service : services_) {
    auto deploy = DeployPorts().find(service.name);
    if (deploy == DeployPorts().end()) continue;
    for (std::size_t i = 0; i < deploy->second.size(); ++i) {
      // Deploy ports without a test instance keep their value: the gateway finds nothing there.
      if (i >= service.instances.size()) break;
      ReplaceAll(config, "127.0.0.1:" + std::to_string(deploy->second[i]) + "\n",
                 "127.0.0.1:" + std::to_string(service.instances[i].port) + "\n");
    }
  }
  gateway_config_ = dir_ + "/kong.yml";
  std::ofstream(gateway_config_) << config;
  gateway_port_ = FreePort();
  gateway_admin_port_ = FreePort();
  // The Admin API's credential: one per platform, kept across StopGateway/StartGateway.
  gateway_admin_token_ = "admin-token-" + std::filesystem::path(dir_).filename().string() + "-0123456789abcdef";
  StartGateway();
}

void Platform::StartGateway() {
  if (gateway_ && gateway_->Running()) return;
  ProcessOptions o;
  o.path = ComptoirBin();
  o.args = {"gateway",      "--config", gateway_config_, "--listen", "127.0.0.1:" + std::to_string(gateway_port_),
            "--admin-listen", "127.0.0.1:" + std::to_string(gateway_admin_port_), "--threads", "2", "--access-log"};
  o.env = options_.env;
  o.env.emplace_back("COMPTOIR_AUTH_JWT_PUBLIC_KEY", auth_.PublicKeyPem());
  o.env.emplace_back("COMPTOIR_GATEWAY_ADMIN_TOKEN", gateway_admin_token_);
  // deploy/kong.yml's rate-limiting budgets (policy redis): with `rate_limits`, the test's Redis or the
  // fixture's; otherwise a port where nothing listens (fault tolerant: no limit), never the 6380 of a
  // platform running on the machine.
  int budget_redis = FreePort();
  if (options_.rate_limits && options_.redis_port != 0) {
    budget_redis = options_.redis_port;
  } else if (options_.rate_limits) {
    try {
      if (std::filesystem::exists(StateDir() / "redis")) budget_redis = RedisPort();
    } catch (const std::exception&) {
    }
  }
  o.env.emplace_back("COMPTOIR_GATEWAY_REDIS_PORT", std::to_string(budget_redis));
  o.log_file = LogFile("gateway");
  gateway_ = std::make_unique<ChildProcess>(o);
  if (!WaitForPort(gateway_port_, std::chrono::seconds(30))) {
    throw std::runtime_error("the gateway did not start; log:\n" + TailOfFile(o.log_file));
  }
}

void Platform::StopGateway(bool kill) {
  if (!gateway_) return;
  if (kill) gateway_->Signal(SIGKILL);
  gateway_->Stop(std::chrono::seconds(5));
  gateway_.reset();
}

Platform::~Platform() {
  if (gateway_) gateway_->Stop();
  for (auto it = services_.rbegin(); it != services_.rend(); ++it) {
    for (auto& instance : it->instances) {
      if (instance.process) instance.process->Stop();
    }
  }
}

std::vector<std::pair<std::string, std::string>> Platform::EnvFor(const Service& service, int instance) const {
  auto env = options_.env;
  const std::string prefix = "COMPTOIR_" + Upper(service.name) + "_";
  env.emplace_back(prefix + "DATABASE_URL", service.conninfo);
  env.emplace_back(prefix + "HTTP_PORT", std::to_string(service.instances.at(static_cast<std::size_t>(instance)).port));
  env.emplace_back(prefix + "INSTANCE_ID", service.name + "-" + std::to_string(instance + 1));
  // Each platform its own event stream: tests running in parallel share the fixture's Redis.
  bool own_stream = false;
  for (const auto& [name, value] : options_.env) own_stream = own_stream || name == "COMPTOIR_EVENTS_STREAM";
  if (!own_stream)
    env.emplace_back("COMPTOIR_EVENTS_STREAM", "comptoir:events:" + std::filesystem::path(dir_).filename().string());
  // Carts too are this platform's own in the shared Redis: platforms running at once have the same
  // shopper ids (customer-1...), and would otherwise fill each other's carts.
  bool own_prefix = false;
  for (const auto& [name, value] : options_.env) own_prefix = own_prefix || name == "COMPTOIR_CART_REDIS_PREFIX";
  if (!own_prefix)
    env.emplace_back("COMPTOIR_CART_REDIS_PREFIX", "cart:" + std::filesystem::path(dir_).filename().string() + ":");
  // The test's own Redis, or the shared test Redis when the "redis" fixture runs.
  if (options_.redis_port != 0) {
    env.emplace_back("COMPTOIR_REDIS_URL", "redis://127.0.0.1:" + std::to_string(options_.redis_port));
  } else if (std::filesystem::exists(StateDir() / "redis")) {
    try {
      env.emplace_back("COMPTOIR_REDIS_URL", "redis://127.0.0.1:" + std::to_string(RedisPort()));
    } catch (const std::exception&) {
      // no Redis fixture for this test
    }
  }
  // Only customer signs; everyone verifies with the public key; each service has its own client secret and
  // customer knows only their digests (ADR 0008).
  env.emplace_back("COMPTOIR_AUTH_JWT_PUBLIC_KEY", auth_.PublicKeyPem());
  env.emplace_back(prefix + "CLIENT_SECRET", client_secrets_.at(service.name));
  if (service.name == "customer") {
    env.emplace_back("COMPTOIR_AUTH_SIGNING_KEY", auth_.SigningKeyPem());
    std::string clients;
    for (const auto& [name, secret] : client_secrets_) {
      clients += (clients.empty() ? "" : ",") + name + "=" + auth::Sha256Hex(secret);
    }
    env.emplace_back("COMPTOIR_CUSTOMER_SERVICE_CLIENTS", clients);
  }
  // Sales refuses a store sale without an open register session (ADR 0151); tests written before that rule
  // sell without one, so a platform relaxes it unless the test sets it (the till tests of issue 15 do).
  if (service.name == "sales") {
    bool set = false;
    for (const auto& [name, value] : options_.env) set = set || name == "COMPTOIR_SALES_REQUIRE_REGISTER_SESSION";
    if (!set) env.emplace_back("COMPTOIR_SALES_REQUIRE_REGISTER_SESSION", "false");
  }
  env.emplace_back("COMPTOIR_HTTP_THREADS", "2");
  env.emplace_back("COMPTOIR_DB_POOL_SIZE", "4");
  // Tests measure behaviour, not password strength: the cheapest Argon2id the service accepts.
  env.emplace_back("COMPTOIR_AUTH_PASSWORD_MEMLIMIT_KB", "8192");
  env.emplace_back("COMPTOIR_AUTH_PASSWORD_OPSLIMIT", "1");
  for (const auto& peer : services_) {
    if (peer.name == service.name) continue;
    // A peer with several instances is reached through its first one (tests that balance go through the
    // gateway).
    env.emplace_back(prefix + Upper(peer.name) + "_URL",
                     "http://127.0.0.1:" + std::to_string(peer.instances.front().port));
  }
  return env;
}

Platform::Service& Platform::Find(const std::string& name) {
  for (auto& s : services_) {
    if (s.name == name) return s;
  }
  throw std::runtime_error("service " + name + " is not part of this platform");
}

const Platform::Service& Platform::Find(const std::string& name) const {
  return const_cast<Platform*>(this)->Find(name);
}

int Platform::Port(const std::string& service, int instance) const {
  return Find(service).instances.at(static_cast<std::size_t>(instance)).port;
}
const std::string& Platform::Conninfo(const std::string& service) const {
  return Find(service).conninfo;
}
std::string Platform::LogFile(const std::string& process) const {
  return dir_ + "/" + process + ".log";
}

void Platform::StopService(const std::string& name, bool kill, int index) {
  auto& instance = Find(name).instances.at(static_cast<std::size_t>(index));
  if (!instance.process) return;
  if (kill) {
    instance.process->Signal(SIGKILL);
    instance.process->Stop(std::chrono::seconds(5));
  } else {
    instance.process->Stop();
  }
  instance.process.reset();
}

void Platform::StartService(const std::string& name, int index) {
  auto& service = Find(name);
  auto& instance = service.instances.at(static_cast<std::size_t>(index));
  ProcessOptions o;
  o.path = ComptoirBin();
  o.args = {"serve", "--service", service.name, "--migrate", "--seed"};
  o.env = EnvFor(service, index);
  o.log_file = LogFile(service.instances.size() == 1 ? service.name : service.name + "-" + std::to_string(index + 1));
  instance.process = std::make_unique<ChildProcess>(o);
  if (!WaitForHttp(instance.port, "/ready", std::chrono::seconds(60))) {
    throw std::runtime_error(service.name + " did not become ready; log:\n" + TailOfFile(o.log_file));
  }
}

const std::string& Platform::ClientSecret(const std::string& service) const {
  auto it = client_secrets_.find(service);
  if (it == client_secrets_.end()) throw std::runtime_error("service " + service + " is not part of this platform");
  return it->second;
}

std::string Platform::ObtainServiceToken(const std::string& client, const std::string& audience) const {
  std::string basic = auth::Base64Encode(client + ":" + ClientSecret(client));
  auto r = Http(static_cast<std::uint16_t>(Port("customer")), "POST", "/internal/v1/auth/token",
                "grant_type=client_credentials&audience=" + audience,
                {{"Content-Type", "application/x-www-form-urlencoded"}, {"Authorization", "Basic " + basic}});
  if (r.status != 200) throw std::runtime_error("customer refused a token for " + client + ": " + r.body);
  auto body = boost::json::parse(r.body);
  return std::string(body.at("access_token").as_string());
}

void Platform::SignalService(const std::string& name, int signal, int index) {
  auto& instance = Find(name).instances.at(static_cast<std::size_t>(index));
  if (instance.process) instance.process->Signal(signal);
}

HttpResult Platform::Call(const std::string& method, const std::string& target, const std::string& body,
                          const std::string& bearer, std::vector<std::pair<std::string, std::string>> headers) const {
  if (gateway_port_ == 0) throw std::runtime_error("this platform has no gateway");
  headers.emplace_back("X-API-Key", kTestApiKey);
  if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
  return Http(static_cast<std::uint16_t>(gateway_port_), method, target, body, std::move(headers));
}

}  // namespace comptoir::testing
