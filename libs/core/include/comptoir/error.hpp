#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace comptoir {

/// Why a request failed; decides the HTTP status of the problem+json answer.
enum class ErrorKind {
  kValidation,    // 400
  kUnauthorized,  // 401
  kPaymentRequired,  // 402 (payment declined)
  kForbidden,     // 403
  kNotFound,      // 404
  kMethodNotAllowed,  // 405
  kConflict,      // 409
  kPayload,       // 413
  kUnprocessable, // 422
  kRateLimited,   // 429
  kInternal,      // 500
  kUnavailable,   // 503
  kTimeout,       // 504
};

/// One offending input field of a validation error.
struct FieldError {
  std::string field;
  std::string message;
};

/// The one error type thrown by handlers and domain code; turned into problem+json in one place
/// (libs/http). `code` is stable and machine-readable, e.g. "product.not_found".
class ApiError : public std::runtime_error {
 public:
  ApiError(ErrorKind kind, std::string code, std::string detail, std::vector<FieldError> fields = {});

  [[nodiscard]] ErrorKind kind() const noexcept { return kind_; }
  [[nodiscard]] const std::string& code() const noexcept { return code_; }
  [[nodiscard]] const std::string& detail() const noexcept { return detail_; }
  [[nodiscard]] const std::vector<FieldError>& fields() const noexcept { return fields_; }
  [[nodiscard]] int status() const noexcept;
  [[nodiscard]] std::string_view title() const noexcept;

  static ApiError Validation(std::string code, std::string detail, std::vector<FieldError> fields = {});
  static ApiError NotFound(std::string code, std::string detail);
  static ApiError Conflict(std::string code, std::string detail);
  static ApiError Unavailable(std::string code, std::string detail);
  static ApiError Timeout(std::string code, std::string detail);
  static ApiError Internal(std::string code, std::string detail);

 private:
  ErrorKind kind_;
  std::string code_;
  std::string detail_;
  std::vector<FieldError> fields_;
};

/// HTTP status for a kind of error.
int StatusOf(ErrorKind kind) noexcept;

/// The kind whose status is `status` (an unknown 4xx is kValidation, an unknown 5xx kInternal).
ErrorKind KindOfStatus(int status) noexcept;

/// RFC 9457 body: {"type","title","status","detail","code","request_id","errors"?}.
std::string ProblemJson(const ApiError& error, std::string_view request_id);

}  // namespace comptoir
