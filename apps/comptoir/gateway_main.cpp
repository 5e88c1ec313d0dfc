// `comptoir gateway`: the Kong-compatible API gateway process.
#include "gateway_main.hpp"

#include <cctype>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include <boost/asio/signal_set.hpp>

#include "comptoir/gateway/config_loader.hpp"
#include "comptoir/gateway/gateway.hpp"
#include "comptoir/log.hpp"
#include "host_port.hpp"

namespace comptoir::app {
namespace {
namespace asio = boost::asio;

struct GatewaySignals {
  gateway::Gateway* gateway;
  http::Runtime* runtime;
  asio::signal_set* stop;
  asio::signal_set* hup;
};

void WaitForHup(std::shared_ptr<GatewaySignals> s);

void OnHup(std::shared_ptr<GatewaySignals> s, const boost::system::error_code& ec) {
  if (ec) return;
  // SIGHUP: reload the file; a bad file changes nothing and is reported in the log.
  auto result = s->gateway->LoadFile("SIGHUP");
  if (!result.ok) {
    log::Error("configuration reload refused", {{"problems", gateway::IssuesToText(result.issues)}});
  }
  WaitForHup(s);
}

void WaitForHup(std::shared_ptr<GatewaySignals> s) {
  s->hup->async_wait([s](const boost::system::error_code& ec, int) { OnHup(s, ec); });
}

constexpr std::size_t kMinTokenLength = 16;

// The Admin API's credential: from the file when one is named, else from COMPTOIR_GATEWAY_ADMIN_TOKEN.
// Loopback is not an authorisation: without a token the gateway does not start its Admin API.
bool ReadAdminToken(const std::string& file, std::string& token, std::string& error) {
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) {
      error = "--admin-token-file: cannot read " + file;
      return false;
    }
    std::getline(in, token);
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  } else if (const char* env = std::getenv("COMPTOIR_GATEWAY_ADMIN_TOKEN")) {
    token = env;
  }
  if (token.empty()) {
    error =
        "the Admin API needs a credential: set COMPTOIR_GATEWAY_ADMIN_TOKEN or --admin-token-file "
        "(COMPTOIR_GATEWAY_ADMIN_TOKEN_FILE), or turn the Admin API off with --admin-listen off";
    return false;
  }
  if (token.size() < kMinTokenLength) {
    error = "the admin token must have at least " + std::to_string(kMinTokenLength) + " characters";
    return false;
  }
  return true;
}

// "A, B,C" -> {"A", "B", "C"}.
std::vector<std::string> SplitList(const char* text) {
  std::vector<std::string> out;
  if (text == nullptr) return out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

int RunGateway(const GatewayCli& cli) {
  gateway::GatewayOptions options;
  options.config_file = cli.config_file;
  options.access_log = cli.access_log;
  if (cli.upstream_keepalive_idle_timeout < 0) {
    std::cerr << "--upstream-keepalive-idle-timeout: expected seconds >= 0\n";
    return 2;
  }
  options.upstream_keepalive_idle_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(cli.upstream_keepalive_idle_timeout * 1000));
  options.default_body_limit = cli.body_limit;
  if (!(cli.client_timeout > 0)) {
    std::cerr << "--client-timeout: expected seconds > 0\n";
    return 2;
  }
  options.client_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(cli.client_timeout * 1000));
  if (!SplitHostPort(cli.listen, options.proxy_host, options.proxy_port)) {
    std::cerr << "--listen: expected host:port, got '" << cli.listen << "'\n";
    return 2;
  }
  if (cli.admin_listen == "off") {
    options.admin_enabled = false;
  } else if (!SplitHostPort(cli.admin_listen, options.admin_host, options.admin_port)) {
    std::cerr << "--admin-listen: expected host:port or off, got '" << cli.admin_listen << "'\n";
    return 2;
  }
  if (options.admin_enabled) {
    std::string error;
    if (!ReadAdminToken(cli.admin_token_file, options.admin_token, error)) {
      std::cerr << error << "\n";
      return 2;
    }
  }
  options.config_variables = SplitList(std::getenv("COMPTOIR_GATEWAY_CONFIG_VARIABLES"));
  {
    std::string error;
    if (!options.real_ip.SetTrustedIps(cli.trusted_ips, error)) {
      std::cerr << "--trusted-ips: " << error << "\n";
      return 2;
    }
    if (cli.real_ip_recursive != "on" && cli.real_ip_recursive != "off") {
      std::cerr << "--real-ip-recursive: expected on or off\n";
      return 2;
    }
    options.real_ip.real_ip_recursive = cli.real_ip_recursive == "on";
    options.real_ip.real_ip_header = cli.real_ip_header;
  }
  http::Runtime runtime(cli.threads);
  gateway::Gateway gw(runtime, options);
  auto loaded = gw.LoadFile();
  if (!loaded.ok) {
    std::cerr << "invalid declarative configuration " << cli.config_file << ":\n"
              << gateway::IssuesToText(loaded.issues) << "\n";
    return 2;
  }
  gw.Start();
  asio::signal_set stop(runtime.Context(0), SIGINT, SIGTERM);
  asio::signal_set hup(runtime.Context(0), SIGHUP);
  auto signals = std::make_shared<GatewaySignals>(GatewaySignals{&gw, &runtime, &stop, &hup});
  stop.async_wait([signals](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log::Info("gateway shutting down", {{"signal", signal}});
    signals->hup->cancel();
    signals->gateway->Shutdown(
        [signals] { asio::post(signals->runtime->Context(0), [signals] { signals->runtime->Stop(); }); });
  });
  WaitForHup(signals);
  runtime.Run();
  return 0;
}

}  // namespace comptoir::app
