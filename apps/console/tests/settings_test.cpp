// Unit tests of the console's configuration: a JSON file, then the environment, which wins; every problem
// listed (main and the subcommands stop with exit 2 when there is one).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "comptoir/console/settings.hpp"

namespace comptoir::console {
namespace {

constexpr const char* kVariables[] = {"COMPTOIR_CONSOLE_CONFIG",
                                      "COMPTOIR_CONSOLE_URL",
                                      "COMPTOIR_CONSOLE_API_KEY",
                                      "COMPTOIR_CONSOLE_HOME",
                                      "COMPTOIR_CONSOLE_REGISTER",
                                      "COMPTOIR_CONSOLE_PRINTER",
                                      "COMPTOIR_CONSOLE_TIMEOUT_MS",
                                      "COMPTOIR_CONSOLE_REPLAY_INTERVAL_S",
                                      "XDG_STATE_HOME",
                                      "HOME"};

class SettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("console-settings-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    for (const char* name : kVariables) {
      if (const char* v = std::getenv(name)) saved_.emplace_back(name, v);
      ::unsetenv(name);
    }
    ::setenv("HOME", dir_.c_str(), 1);  // no ~/.config/comptoir/console.json of the machine
  }
  void TearDown() override {
    for (const char* name : kVariables) ::unsetenv(name);
    for (const auto& [name, value] : saved_) ::setenv(name.c_str(), value.c_str(), 1);
    std::filesystem::remove_all(dir_);
  }
  std::string File(const std::string& name, const std::string& text) const {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
  std::vector<std::pair<std::string, std::string>> saved_;
};

TEST_F(SettingsTest, DefaultsWithoutFileOrEnvironment) {
  std::vector<std::string> problems;
  Settings s = LoadSettings("", problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(s.gateway_url, "http://127.0.0.1:8080");
  EXPECT_EQ(s.home, dir_.string() + "/.local/state/comptoir-console");
  EXPECT_EQ(s.timeout_ms, 5000);
  EXPECT_EQ(s.replay_interval_s, 5);
  ::setenv("XDG_STATE_HOME", (dir_ / "state").c_str(), 1);
  EXPECT_EQ(LoadSettings("", problems).home, (dir_ / "state").string() + "/comptoir-console");
}

TEST_F(SettingsTest, TheFileIsReadAndTheEnvironmentWins) {
  const std::string path = File("console.json", R"({"gateway_url": "http://caisse.example:8000", "api_key": "k-file",
    "home": "/srv/caisse", "register": "2", "printer": "/dev/usb/lp0", "timeout_ms": 1500, "replay_interval_s": 30})");
  std::vector<std::string> problems;
  Settings file = LoadSettings(path, problems);
  ASSERT_TRUE(problems.empty()) << problems.front();
  EXPECT_EQ(file.gateway_url, "http://caisse.example:8000");
  EXPECT_EQ(file.api_key, "k-file");
  EXPECT_EQ(file.home, "/srv/caisse");
  EXPECT_EQ(file.register_name, "2");
  EXPECT_EQ(file.printer, "/dev/usb/lp0");
  EXPECT_EQ(file.timeout_ms, 1500);
  EXPECT_EQ(file.replay_interval_s, 30);

  ::setenv("COMPTOIR_CONSOLE_URL", "http://127.0.0.1:9999", 1);
  ::setenv("COMPTOIR_CONSOLE_API_KEY", "k-env", 1);
  ::setenv("COMPTOIR_CONSOLE_TIMEOUT_MS", "800", 1);
  ::setenv("COMPTOIR_CONSOLE_REGISTER", "3", 1);
  Settings both = LoadSettings(path, problems);
  ASSERT_TRUE(problems.empty()) << problems.front();
  EXPECT_EQ(both.gateway_url, "http://127.0.0.1:9999");  // the environment wins
  EXPECT_EQ(both.api_key, "k-env");
  EXPECT_EQ(both.timeout_ms, 800);
  EXPECT_EQ(both.register_name, "3");
  EXPECT_EQ(both.home, "/srv/caisse");  // what the environment does not set stays the file's
  EXPECT_EQ(both.replay_interval_s, 30);

  // The file named by $COMPTOIR_CONSOLE_CONFIG, and ~/.config/comptoir/console.json when none is named.
  ::unsetenv("COMPTOIR_CONSOLE_URL");
  ::setenv("COMPTOIR_CONSOLE_CONFIG", path.c_str(), 1);
  EXPECT_EQ(LoadSettings("", problems).gateway_url, "http://caisse.example:8000");
  ::unsetenv("COMPTOIR_CONSOLE_CONFIG");
  std::filesystem::create_directories(dir_ / ".config/comptoir");
  File(".config/comptoir/console.json", R"({"gateway_url": "http://maison.example:8080"})");
  EXPECT_EQ(LoadSettings("", problems).gateway_url, "http://maison.example:8080");
  EXPECT_TRUE(problems.empty());
}

TEST_F(SettingsTest, EveryProblemIsListed) {
  std::vector<std::string> problems;
  LoadSettings(File("bad.json", R"({"gateway_url": "https://x", "timeout_ms": 50, "replay_interval_s": "5",
    "couleur": "bleu", "register": ""})"),
               problems);
  auto has = [&](const std::string& text) {
    for (const auto& p : problems) {
      if (p.find(text) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("timeout_ms must be an integer from 100 to 120000, not 50"));
  EXPECT_TRUE(has("replay_interval_s must be an integer in"));
  EXPECT_TRUE(has("unknown setting couleur in"));
  EXPECT_TRUE(has("the gateway URL must start with http://: https://x"));
  EXPECT_TRUE(has("the register name must be 1-40 characters"));
  EXPECT_EQ(problems.size(), 5u);

  problems.clear();
  LoadSettings(File("not-json.json", "gateway_url = http://x"), problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("a JSON object is expected"), std::string::npos);
  problems.clear();
  LoadSettings((dir_ / "missing.json").string(), problems);
  EXPECT_EQ(problems.size(), 1u);

  problems.clear();
  ::setenv("COMPTOIR_CONSOLE_REPLAY_INTERVAL_S", "0", 1);
  ::setenv("COMPTOIR_CONSOLE_API_KEY", "", 1);  // empty: the default key stays
  LoadSettings("", problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0], "COMPTOIR_CONSOLE_REPLAY_INTERVAL_S must be an integer from 1 to 3600, not 0");
}

}  // namespace
}  // namespace comptoir::console
