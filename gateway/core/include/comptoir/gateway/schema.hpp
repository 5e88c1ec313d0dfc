#pragma once
// Reading Kong schema records (plugin configs, entity fields) from JSON with Kong's defaults, and
// collecting every problem with its field path, the way Kong's schema validator reports them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace comptoir::gateway {

/// One problem found in a configuration: which entity, which field, what is wrong.
struct ConfigIssue {
  std::string entity;       ///< "services", "routes", "plugins", ...
  std::string entity_name;  ///< name, or "#<index>" when unnamed
  std::string field;        ///< "config.minute", "paths[1]", ...
  std::string message;
};

/// Reads one record. Values absent from the input get the default, and the normalised record
/// (input with defaults) is built in output() — what the Admin API shows.
class SchemaReader {
 public:
  SchemaReader(const boost::json::value* input, std::vector<ConfigIssue>& issues, std::string entity,
               std::string entity_name, std::string prefix);

  std::string String(std::string_view key, std::string_view fallback,
                     std::initializer_list<std::string_view> one_of = {});
  std::optional<std::string> OptString(std::string_view key);
  std::int64_t Int(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max);
  std::optional<std::int64_t> OptInt(std::string_view key, std::int64_t min, std::int64_t max);
  double Number(std::string_view key, double fallback, double min, double max);
  std::optional<double> OptNumber(std::string_view key, double min, double max);
  bool Bool(std::string_view key, bool fallback);
  std::vector<std::string> StringArray(std::string_view key, std::vector<std::string> fallback,
                                       std::initializer_list<std::string_view> one_of = {});
  std::vector<std::int64_t> IntArray(std::string_view key, std::vector<std::int64_t> fallback, std::int64_t min,
                                     std::int64_t max);
  /// A nested record; absent input means all defaults.
  SchemaReader Record(std::string_view key);
  /// Raw input value (nullptr when absent or null).
  [[nodiscard]] const boost::json::value* Raw(std::string_view key) const;
  /// Copies a field to the output unchanged (for values validated elsewhere).
  void Keep(std::string_view key);

  /// Records a problem on `key` (relative to this record).
  void Fail(std::string_view key, std::string message);
  /// Records "unknown field" for every input key not read so far.
  void RejectUnknown();

  [[nodiscard]] bool ok() const noexcept { return issues_.size() == issues_at_start_; }
  [[nodiscard]] boost::json::object& output() noexcept { return output_; }
  [[nodiscard]] std::vector<ConfigIssue>& issues() noexcept { return issues_; }
  [[nodiscard]] const std::string& entity() const noexcept { return entity_; }
  [[nodiscard]] const std::string& entity_name() const noexcept { return entity_name_; }

 private:
  const boost::json::value* Get(std::string_view key);
  std::string Path(std::string_view key) const;

  const boost::json::object* input_ = nullptr;
  std::vector<ConfigIssue>& issues_;
  std::size_t issues_at_start_;
  std::string entity_;
  std::string entity_name_;
  std::string prefix_;
  std::vector<std::string> read_;
  boost::json::object output_;
  // Nested records write their output into the parent when they finish.
  boost::json::object* parent_output_ = nullptr;
  std::string parent_key_;

 public:
  ~SchemaReader();
  SchemaReader(SchemaReader&&) noexcept;
  SchemaReader& operator=(SchemaReader&&) = delete;
};

}  // namespace comptoir::gateway
