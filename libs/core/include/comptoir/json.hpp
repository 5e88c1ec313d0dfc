#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>

#include "comptoir/error.hpp"

namespace comptoir::json {

/// Parses a request body; a body that is not JSON becomes a 400 `request.invalid_json`.
boost::json::value ParseBody(std::string_view body);

/// Reads the fields of one JSON object and collects every problem before failing, so that a client
/// learns about all its mistakes at once. Field names in errors carry `prefix` (e.g. "lines[0].").
class ObjectReader {
 public:
  /// `value` must outlive the reader. A non-object records an error on `prefix` (or "body").
  explicit ObjectReader(const boost::json::value& value, std::string prefix = {});

  [[nodiscard]] bool Has(std::string_view key) const;
  /// Present and null.
  [[nodiscard]] bool IsNull(std::string_view key) const;

  std::optional<std::string> String(std::string_view key, bool required, std::size_t min_len = 0,
                                    std::size_t max_len = 10000);
  std::optional<std::int64_t> Int(std::string_view key, bool required, std::int64_t min = INT64_MIN,
                                  std::int64_t max = INT64_MAX);
  std::optional<bool> Bool(std::string_view key, bool required);

  /// Records a problem on a field (name without prefix).
  void Fail(std::string_view key, std::string message);
  /// Rejects keys that are not in `known` (typos must not silently do nothing).
  void RejectUnknown(std::initializer_list<std::string_view> known);

  [[nodiscard]] bool ok() const noexcept { return errors_.empty(); }
  [[nodiscard]] const std::vector<FieldError>& errors() const noexcept { return errors_; }
  /// Throws a 400 ApiError with `code` listing every field error, if any.
  void ThrowIfErrors(std::string code = "request.validation_failed") const;

 private:
  const boost::json::object* object_ = nullptr;
  std::string prefix_;
  std::vector<FieldError> errors_;
};

/// Length in Unicode code points of valid UTF-8 (what users call characters).
std::size_t Utf8Length(std::string_view text);
/// True when `text` is valid UTF-8 without control characters other than \t, \n, \r.
bool IsCleanUtf8(std::string_view text);

}  // namespace comptoir::json
