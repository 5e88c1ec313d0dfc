// `comptoir gateway`: the Kong-compatible API gateway process.
#include "gateway_main.hpp"

#include <csignal>
#include <iostream>

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
  auto result = s->gateway->LoadFile();
  if (!result.ok) {
    log::Error("configuration reload refused", {{"problems", gateway::IssuesToText(result.issues)}});
  }
  WaitForHup(s);
}

void WaitForHup(std::shared_ptr<GatewaySignals> s) {
  s->hup->async_wait([s](const boost::system::error_code& ec, int) { OnHup(s, ec); });
}

}  // namespace

int RunGateway(const GatewayCli& cli) {
  gateway::GatewayOptions options;
  options.config_file = cli.config_file;
  options.access_log = cli.access_log;
  if (!SplitHostPort(cli.listen, options.proxy_host, options.proxy_port)) {
    std::cerr << "--listen: expected host:port, got '" << cli.listen << "'\n";
    return 2;
  }
  if (!SplitHostPort(cli.admin_listen, options.admin_host, options.admin_port)) {
    std::cerr << "--admin-listen: expected host:port, got '" << cli.admin_listen << "'\n";
    return 2;
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
    signals->gateway->Shutdown([signals] { asio::post(signals->runtime->Context(0), [signals] { signals->runtime->Stop(); }); });
  });
  WaitForHup(signals);
  runtime.Run();
  return 0;
}

}  // namespace comptoir::app
