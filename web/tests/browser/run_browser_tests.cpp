// Starts a real Comptoir (every service, the web service and the gateway, on free ports, each service with
// its own database) and runs the browser tests (`node --test web/tests/browser/`) against the gateway.
// The tests find the platform in COMPTOIR_WEB_URL (and its tokens' public key in COMPTOIR_WEB_JWT_PUBLIC_KEY);
// screenshots go to COMPTOIR_WEB_ARTIFACTS. A real Prometheus (with Alertmanager and the alert receiver) scrapes
// the platform for the operations page; a test asks the runner to kill or restart cart-2 and to stop or start
// Prometheus by writing a command to COMPTOIR_WEB_CONTROL and sending SIGUSR1 to COMPTOIR_WEB_RUNNER_PID
// (operations.test.mjs). With COMPTOIR_WEB_HOLD=1 it prints the URL and keeps the platform running until
// SIGINT/SIGTERM instead (for working on the front end by hand).
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>
#include <string>
#include <vector>

#include "comptoir/testing/monitoring.hpp"
#include "comptoir/testing/platform.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) {
  g_stop = 1;
}
volatile std::sig_atomic_t g_command = 0;
void OnCommand(int) {
  g_command = 1;
}

/// What the tests may ask of the platform while they run (the command in the control file).
struct Control {
  comptoir::testing::Platform& platform;
  std::function<void()> start_monitoring;
  std::function<void()> stop_monitoring;
  std::string file;

  void Run() {
    std::ifstream in(file);
    std::string command;
    std::getline(in, command);
    std::string result = "ok";
    try {
      if (command == "kill-cart-2") {
        platform.StopService("cart", /*kill=*/true, 1);
      } else if (command == "start-cart-2") {
        platform.StartService("cart", 1);
      } else if (command == "stop-prometheus") {
        stop_monitoring();
      } else if (command == "start-prometheus") {
        start_monitoring();
      } else {
        result = "unknown command: " + command;
      }
    } catch (const std::exception& e) {
      result = std::string("failed: ") + e.what();
    }
    std::ofstream(file + ".done") << command << "\n" << result << "\n";
  }
};

int RunNode(const std::vector<std::string>& args, Control& control) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return 1;
  if (pid == 0) {
    ::execv(argv[0], argv.data());
    std::perror("execv node");
    std::_Exit(127);
  }
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (g_command != 0) {
      g_command = 0;
      control.Run();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

int main() {
  try {
    // Carts live in the fixture's Redis, shared by every test of the run: a key space of this run's own.
    const std::string cart_prefix = "cart:web-browser-" + std::to_string(::getpid()) + ":";
    // The web service must know Prometheus's and the receiver's ports before they start (after the platform).
    const int prometheus_port = comptoir::testing::FreePort();
    const int receiver_port = comptoir::testing::FreePort();
    const comptoir::testing::PlatformOptions options{
        .services = {"product", "inventory", "customer", "sales", "cart", "payment", "order", "reporting", "web"},
        .gateway = true,
        .name = "web_browser",
        // The timeout test card: order gives up after 1.5 s, the provider answers after 4 s.
        .env = {{"COMPTOIR_ORDER_PAYMENT_TIMEOUT_MS", "1500"},
                {"COMPTOIR_PAYMENT_TIMEOUT_CARD_DELAY_MS", "4000"},
                {"COMPTOIR_CART_REDIS_PREFIX", cart_prefix},
                {"COMPTOIR_WEB_PROMETHEUS_URL", "http://127.0.0.1:" + std::to_string(prometheus_port)},
                {"COMPTOIR_WEB_ALERT_RECEIVER_URL", "http://127.0.0.1:" + std::to_string(receiver_port)}},
        // deploy/kong.yml balances the cart over three targets: all three must be this platform's.
        .instances = {{"cart", 3}},
    };
    comptoir::testing::Platform platform(options);
    std::unique_ptr<comptoir::testing::Monitoring> monitoring;
    auto start_monitoring = [&] {
      monitoring = std::make_unique<comptoir::testing::Monitoring>(comptoir::testing::MonitoringOptions{
          .targets = comptoir::testing::TargetsOf(platform, options),
          .rules_dir = COMPTOIR_SOURCE_DIR "/deploy/prometheus/rules",
          .for_override = "3s",
          .alertmanager = true,
          .name = "web_browser",
          .prometheus_port = prometheus_port,
          .receiver_port = receiver_port});
      monitoring->WaitAllUp(std::chrono::seconds(60));
    };
    start_monitoring();
    Control control{platform, start_monitoring, [&] { monitoring.reset(); }, {}};
    const std::string url = "http://127.0.0.1:" + std::to_string(platform.GatewayPort());
    ::setenv("COMPTOIR_WEB_URL", url.c_str(), 1);
    ::setenv("COMPTOIR_WEB_JWT_PUBLIC_KEY", platform.Auth().PublicKeyPem().c_str(), 1);
    ::setenv("COMPTOIR_WEB_ARTIFACTS", COMPTOIR_WEB_ARTIFACTS, 0);
    std::filesystem::create_directories(std::getenv("COMPTOIR_WEB_ARTIFACTS"));
    control.file = std::string(std::getenv("COMPTOIR_WEB_ARTIFACTS")) + "/control";
    ::setenv("COMPTOIR_WEB_CONTROL", control.file.c_str(), 1);
    ::setenv("COMPTOIR_WEB_RUNNER_PID", std::to_string(::getpid()).c_str(), 1);
    std::signal(SIGUSR1, OnCommand);

    const char* hold = std::getenv("COMPTOIR_WEB_HOLD");
    if (hold != nullptr && std::string(hold) == "1") {
      std::signal(SIGINT, OnSignal);
      std::signal(SIGTERM, OnSignal);
      std::cout << "shop: " << url << "/  back office: " << url << "/gestion  Prometheus: http://127.0.0.1:"
                << prometheus_port << "/  (Ctrl-C stops)" << std::endl;
      while (g_stop == 0) ::pause();
      return 0;
    }
    ::chdir(COMPTOIR_WEB_DIR);
    return RunNode({COMPTOIR_NODE, "--test", "--test-concurrency=1", "--test-reporter=spec", "tests/browser/"}, control);
  } catch (const std::exception& e) {
    std::cerr << "web_browser_test: " << e.what() << "\n";
    return 1;
  }
}
