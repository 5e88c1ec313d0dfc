// Starts a real Comptoir (every service, the web service and the gateway, on free ports, each service with
// its own database) and runs the browser tests (`node --test web/tests/browser/`) against the gateway.
// The tests find the platform in COMPTOIR_WEB_URL (and its tokens' public key in COMPTOIR_WEB_JWT_PUBLIC_KEY);
// screenshots go to COMPTOIR_WEB_ARTIFACTS. With COMPTOIR_WEB_HOLD=1 it prints the URL and keeps the platform running until
// SIGINT/SIGTERM instead (for working on the front end by hand).
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "comptoir/testing/platform.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) {
  g_stop = 1;
}

int RunNode(const std::vector<std::string>& args) {
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
  while (::waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

int main() {
  try {
    // Carts live in the fixture's Redis, shared by every test of the run: a key space of this run's own.
    const std::string cart_prefix = "cart:web-browser-" + std::to_string(::getpid()) + ":";
    comptoir::testing::Platform platform({
        .services = {"product", "inventory", "customer", "sales", "cart", "payment", "order", "reporting", "web"},
        .gateway = true,
        .name = "web_browser",
        // The timeout test card: order gives up after 1.5 s, the provider answers after 4 s.
        .env = {{"COMPTOIR_ORDER_PAYMENT_TIMEOUT_MS", "1500"},
                {"COMPTOIR_PAYMENT_TIMEOUT_CARD_DELAY_MS", "4000"},
                {"COMPTOIR_CART_REDIS_PREFIX", cart_prefix}},
        // deploy/kong.yml balances the cart over three targets: all three must be this platform's.
        .instances = {{"cart", 3}},
    });
    const std::string url = "http://127.0.0.1:" + std::to_string(platform.GatewayPort());
    ::setenv("COMPTOIR_WEB_URL", url.c_str(), 1);
    ::setenv("COMPTOIR_WEB_JWT_PUBLIC_KEY", platform.Auth().PublicKeyPem().c_str(), 1);
    ::setenv("COMPTOIR_WEB_ARTIFACTS", COMPTOIR_WEB_ARTIFACTS, 0);
    std::filesystem::create_directories(std::getenv("COMPTOIR_WEB_ARTIFACTS"));

    const char* hold = std::getenv("COMPTOIR_WEB_HOLD");
    if (hold != nullptr && std::string(hold) == "1") {
      std::signal(SIGINT, OnSignal);
      std::signal(SIGTERM, OnSignal);
      std::cout << "shop: " << url << "/  back office: " << url << "/gestion  (Ctrl-C stops)" << std::endl;
      while (g_stop == 0) ::pause();
      return 0;
    }
    ::chdir(COMPTOIR_WEB_DIR);
    return RunNode({COMPTOIR_NODE, "--test", "--test-concurrency=1", "--test-reporter=spec", "tests/browser/"});
  } catch (const std::exception& e) {
    std::cerr << "web_browser_test: " << e.what() << "\n";
    return 1;
  }
}
