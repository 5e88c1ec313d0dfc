#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace comptoir::config {

/// Thrown once, with every problem found, when the configuration is not valid.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<std::string> problems);
  [[nodiscard]] const std::vector<std::string>& problems() const noexcept { return problems_; }

 private:
  std::vector<std::string> problems_;
};

/// Where a value comes from: the environment wins over the file, the file over the default.
/// Key `product.http.port` is read from env `COMPTOIR_PRODUCT_HTTP_PORT` and from the file's
/// `{"product": {"http": {"port": ...}}}`.
class Source {
 public:
  using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

  /// Reads the process environment; `file` may be empty (no file). A file that cannot be read or
  /// parsed is recorded as a problem, reported with the others by ThrowIfErrors().
  static Source FromFileAndEnv(const std::string& file);
  /// For tests: explicit file text (JSON) and environment.
  Source(std::string file_json, EnvLookup env);

  std::string String(const std::string& key, const std::string& fallback);
  std::string RequiredString(const std::string& key);
  std::int64_t Int(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max);
  bool Bool(const std::string& key, bool fallback);
  /// Records a problem unless `ok`.
  void Check(bool ok, const std::string& key, const std::string& message);
  /// Throws ConfigError listing every problem recorded so far.
  void ThrowIfErrors() const;

  static std::string EnvName(const std::string& key);

 private:
  std::optional<std::string> Lookup(const std::string& key);
  void Record(std::string problem);

  std::map<std::string, std::string> file_values_;
  EnvLookup env_;
  std::vector<std::string> problems_;
};

}  // namespace comptoir::config
