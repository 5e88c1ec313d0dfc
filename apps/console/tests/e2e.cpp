#include "tests/e2e.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "comptoir/testing/pg.hpp"

namespace comptoir::console::testing {

namespace {
std::unique_ptr<comptoir::testing::Platform> platform;

class PlatformEnvironment final : public ::testing::Environment {
 public:
  void SetUp() override {
    platform = std::make_unique<comptoir::testing::Platform>(
        comptoir::testing::PlatformOptions{.services = {"product", "inventory", "customer", "sales", "reporting"},
                                           .gateway = true,
                                           .name = "console_e2e"});
  }
  void TearDown() override { platform.reset(); }
};

[[maybe_unused]] const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new PlatformEnvironment);

std::string Bin() {
  const char* bin = std::getenv("COMPTOIR_CONSOLE_BIN");
  if (bin == nullptr) throw std::runtime_error("COMPTOIR_CONSOLE_BIN must name comptoir-console");
  return bin;
}
}  // namespace

comptoir::testing::Platform& ThePlatform() {
  return *platform;
}

void Keep(const std::string& name, const std::string& screen) {
  const char* dir = std::getenv("COMPTOIR_CONSOLE_SCREENS");
  if (dir == nullptr || *dir == 0) return;
  std::filesystem::create_directories(dir);
  std::ofstream(std::string(dir) + "/" + name + ".txt") << screen;
}

std::string StaffToken(const std::string& email) {
  auto r = platform->Call("POST", "/api/v1/auth/staff/login",
                          boost::json::serialize(boost::json::object{{"email", email}, {"password", "comptoir-demo"}}));
  if (r.status != 200) throw std::runtime_error("sign-in of " + email + ": " + r.body);
  return std::string(boost::json::parse(r.body).at("access_token").as_string());
}

boost::json::value ManagerGet(const std::string& target) {
  static const std::string token = StaffToken("manager@comptoir.local");
  auto r = platform->Call("GET", target, {}, token);
  if (r.status != 200) throw std::runtime_error("GET " + target + ": " + std::to_string(r.status) + " " + r.body);
  return boost::json::parse(r.body);
}

std::int64_t OnHand(int location, int product) {
  auto v = ManagerGet("/api/v1/inventory?location_id=" + std::to_string(location) +
                      "&product_id=" + std::to_string(product));
  const auto& rows = v.at("data").as_array();
  return rows.empty() ? 0 : rows.at(0).at("on_hand").to_number<std::int64_t>();
}

std::string SalesDb(const std::string& sql) {
  return comptoir::testing::QueryValue(platform->Conninfo("sales"), sql);
}

Home::Home(const std::string& name) {
  path = (std::filesystem::temp_directory_path() / ("console-e2e-" + std::to_string(::getpid()) + "-" + name)).string();
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path);
}

std::string Home::Receipts() const {
  std::ifstream in(path + "/receipts.txt");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::pair<std::string, std::string>> Home::Env() const {
  return {{"COMPTOIR_CONSOLE_HOME", path},
          {"COMPTOIR_CONSOLE_URL", "http://127.0.0.1:" + std::to_string(platform->GatewayPort())},
          {"COMPTOIR_CONSOLE_TIMEOUT_MS", "3000"},
          {"COMPTOIR_CONSOLE_REPLAY_INTERVAL_S", "1"},
          {"COMPTOIR_CONSOLE_CONFIG", ""}};
}

int Console(const Home& home, const std::vector<std::string>& args, std::string& out) {
  std::string command = "env";
  for (const auto& [k, v] : home.Env()) command += " " + Quote(k + "=" + v);
  command += " " + Quote(Bin());
  for (const auto& a : args) command += " " + Quote(a);
  int status = 0;
  out = Run(command + " 2>&1", &status);
  return status;
}

std::unique_ptr<Terminal> SignedIn(const Home& home, const std::string& name, const std::string& email) {
  auto t = std::make_unique<Terminal>(name, std::vector<std::string>{Bin()}, home.Env());
  // A home whose journal holds a session (signed in by a subcommand) opens on the menu.
  for (int i = 0; i < 100; ++i) {
    const std::string screen = t->Screen();
    if (screen.find("Déconnexion") != std::string::npos) return t;
    if (screen.find("Courriel :") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }
  if (!t->WaitFor("Courriel :")) throw std::runtime_error("no sign-in screen:\n" + t->Screen());
  t->Line(email);
  t->Line("comptoir-demo");
  if (!t->WaitFor("Déconnexion")) throw std::runtime_error("no menu after sign-in:\n" + t->Screen());
  return t;
}

}  // namespace comptoir::console::testing
