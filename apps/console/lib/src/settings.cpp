#include "comptoir/console/settings.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

namespace comptoir::console {

namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

void Integer(const std::string& text, const char* what, int min, int max, int& out,
             std::vector<std::string>& problems) {
  try {
    std::size_t used = 0;
    const int v = std::stoi(text, &used);
    if (used != text.size() || v < min || v > max) throw std::out_of_range(what);
    out = v;
  } catch (const std::exception&) {
    problems.push_back(std::string(what) + " must be an integer from " + std::to_string(min) + " to " +
                       std::to_string(max) + ", not " + text);
  }
}

}  // namespace

Settings LoadSettings(const std::string& config_path, std::vector<std::string>& problems) {
  Settings s;
  const std::string home_dir = Env("HOME");
  std::string path = config_path.empty() ? Env("COMPTOIR_CONSOLE_CONFIG") : config_path;
  if (path.empty() && !home_dir.empty() && std::filesystem::exists(home_dir + "/.config/comptoir/console.json")) {
    path = home_dir + "/.config/comptoir/console.json";
  }
  if (!path.empty()) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text.str(), ec);
    if (!in || ec || !v.is_object()) {
      problems.push_back("cannot read the config file " + path + " (a JSON object is expected)");
    } else {
      for (const auto& [key, value] : v.as_object()) {
        auto str = [&](std::string& out) {
          if (value.is_string()) {
            out = std::string(value.as_string());
          } else {
            problems.push_back(std::string(key) + " must be a string in " + path);
          }
        };
        auto num = [&](int& out, int min, int max) {
          if (value.is_int64()) {
            Integer(std::to_string(value.as_int64()), std::string(key).c_str(), min, max, out, problems);
          } else {
            problems.push_back(std::string(key) + " must be an integer in " + path);
          }
        };
        if (key == "gateway_url") {
          str(s.gateway_url);
        } else if (key == "api_key") {
          str(s.api_key);
        } else if (key == "home") {
          str(s.home);
        } else if (key == "register") {
          str(s.register_name);
        } else if (key == "printer") {
          str(s.printer);
        } else if (key == "timeout_ms") {
          num(s.timeout_ms, 100, 120000);
        } else if (key == "replay_interval_s") {
          num(s.replay_interval_s, 1, 3600);
        } else {
          problems.push_back("unknown setting " + std::string(key) + " in " + path);
        }
      }
    }
  }
  if (auto v = Env("COMPTOIR_CONSOLE_URL"); !v.empty()) s.gateway_url = v;
  if (auto v = Env("COMPTOIR_CONSOLE_API_KEY"); !v.empty()) s.api_key = v;
  if (auto v = Env("COMPTOIR_CONSOLE_HOME"); !v.empty()) s.home = v;
  if (auto v = Env("COMPTOIR_CONSOLE_REGISTER"); !v.empty()) s.register_name = v;
  if (auto v = Env("COMPTOIR_CONSOLE_PRINTER"); !v.empty()) s.printer = v;
  if (auto v = Env("COMPTOIR_CONSOLE_TIMEOUT_MS"); !v.empty())
    Integer(v, "COMPTOIR_CONSOLE_TIMEOUT_MS", 100, 120000, s.timeout_ms, problems);
  if (auto v = Env("COMPTOIR_CONSOLE_REPLAY_INTERVAL_S"); !v.empty()) {
    Integer(v, "COMPTOIR_CONSOLE_REPLAY_INTERVAL_S", 1, 3600, s.replay_interval_s, problems);
  }
  if (s.home.empty()) {
    const std::string state = Env("XDG_STATE_HOME");
    s.home = !state.empty() ? state + "/comptoir-console" : home_dir + "/.local/state/comptoir-console";
  }
  if (s.api_key.empty()) problems.push_back("the API key is empty (COMPTOIR_CONSOLE_API_KEY)");
  if (s.gateway_url.rfind("http://", 0) != 0)
    problems.push_back("the gateway URL must start with http://: " + s.gateway_url);
  if (s.register_name.empty() || s.register_name.size() > 40)
    problems.push_back("the register name must be 1-40 characters");
  return s;
}

}  // namespace comptoir::console
