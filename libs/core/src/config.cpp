#include "comptoir/config.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

namespace comptoir::config {
namespace {

std::string Join(const std::vector<std::string>& problems) {
  std::string text = "invalid configuration:";
  for (const auto& p : problems) text += "\n  - " + p;
  return text;
}

// Flattens {"a": {"b": 1}} into "a.b" -> "1" so that lookups are uniform with the environment.
void Flatten(const boost::json::value& v, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (const auto* obj = v.if_object()) {
    for (const auto& [k, child] : *obj) {
      Flatten(child, prefix.empty() ? std::string(k) : prefix + "." + std::string(k), out);
    }
    return;
  }
  if (const auto* s = v.if_string()) {
    out[prefix] = std::string(*s);
  } else if (!v.is_null()) {
    out[prefix] = boost::json::serialize(v);
  }
}

}  // namespace

ConfigError::ConfigError(std::vector<std::string> problems)
    : std::runtime_error(Join(problems)), problems_(std::move(problems)) {}

Source::Source(std::string file_json, EnvLookup env) : env_(std::move(env)) {
  if (file_json.empty()) return;
  boost::system::error_code ec;
  auto value = boost::json::parse(file_json, ec);
  if (ec || !value.is_object()) {
    problems_.push_back("config file: not a JSON object (" + (ec ? ec.message() : std::string("wrong type")) + ")");
    return;
  }
  Flatten(value, "", file_values_);
}

Source Source::FromFileAndEnv(const std::string& file) {
  auto env = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
  if (file.empty()) return Source("", env);
  std::ifstream in(file);
  if (!in) {
    Source s("", env);
    s.problems_.push_back("config file " + file + ": cannot be read");
    return s;
  }
  std::stringstream text;
  text << in.rdbuf();
  return Source(text.str(), env);
}

std::string Source::EnvName(const std::string& key) {
  std::string name = "COMPTOIR_";
  for (char c : key) {
    if (c == '.' || c == '-') {
      name += '_';
    } else {
      name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  return name;
}

std::optional<std::string> Source::Lookup(const std::string& key) {
  if (auto v = env_(EnvName(key))) return v;
  if (auto it = file_values_.find(key); it != file_values_.end()) return it->second;
  return std::nullopt;
}

std::string Source::String(const std::string& key, const std::string& fallback) {
  return Lookup(key).value_or(fallback);
}

std::string Source::RequiredString(const std::string& key) {
  auto v = Lookup(key);
  if (!v || v->empty()) {
    Record(key + " (" + EnvName(key) + "): is required");
    return {};
  }
  return *v;
}

std::int64_t Source::Int(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max) {
  auto v = Lookup(key);
  if (!v) return fallback;
  std::size_t used = 0;
  std::int64_t n = 0;
  try {
    n = std::stoll(*v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != v->size()) {
    Record(key + " (" + EnvName(key) + "): '" + *v + "' is not an integer");
    return fallback;
  }
  if (n < min || n > max) {
    Record(key + " (" + EnvName(key) + "): " + std::to_string(n) + " is outside " +
                        std::to_string(min) + ".." + std::to_string(max));
    return fallback;
  }
  return n;
}

bool Source::Bool(const std::string& key, bool fallback) {
  auto v = Lookup(key);
  if (!v) return fallback;
  if (*v == "true" || *v == "1" || *v == "yes" || *v == "on") return true;
  if (*v == "false" || *v == "0" || *v == "no" || *v == "off") return false;
  Record(key + " (" + EnvName(key) + "): '" + *v + "' is not a boolean");
  return fallback;
}

void Source::Check(bool ok, const std::string& key, const std::string& message) {
  if (!ok) Record(key + " (" + EnvName(key) + "): " + message);
}

void Source::Record(std::string problem) {
  // Services of one process read shared settings (auth.*, http.*) each: the same problem is told once.
  if (std::find(problems_.begin(), problems_.end(), problem) == problems_.end()) problems_.push_back(std::move(problem));
}

void Source::ThrowIfErrors() const {
  if (!problems_.empty()) throw ConfigError(problems_);
}

}  // namespace comptoir::config
