#include "comptoir/error.hpp"

#include <boost/json.hpp>

namespace comptoir {

ApiError::ApiError(ErrorKind kind, std::string code, std::string detail, std::vector<FieldError> fields)
    : std::runtime_error(code + ": " + detail),
      kind_(kind),
      code_(std::move(code)),
      detail_(std::move(detail)),
      fields_(std::move(fields)) {}

int StatusOf(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::kValidation: return 400;
    case ErrorKind::kUnauthorized: return 401;
    case ErrorKind::kPaymentRequired: return 402;
    case ErrorKind::kForbidden: return 403;
    case ErrorKind::kNotFound: return 404;
    case ErrorKind::kMethodNotAllowed: return 405;
    case ErrorKind::kConflict: return 409;
    case ErrorKind::kPayload: return 413;
    case ErrorKind::kUnprocessable: return 422;
    case ErrorKind::kRateLimited: return 429;
    case ErrorKind::kInternal: return 500;
    case ErrorKind::kUnavailable: return 503;
    case ErrorKind::kTimeout: return 504;
  }
  return 500;
}

ErrorKind KindOfStatus(int status) noexcept {
  for (auto kind : {ErrorKind::kValidation, ErrorKind::kUnauthorized, ErrorKind::kPaymentRequired,
                    ErrorKind::kForbidden, ErrorKind::kNotFound, ErrorKind::kMethodNotAllowed, ErrorKind::kConflict,
                    ErrorKind::kPayload, ErrorKind::kUnprocessable, ErrorKind::kRateLimited, ErrorKind::kInternal,
                    ErrorKind::kUnavailable, ErrorKind::kTimeout}) {
    if (StatusOf(kind) == status) return kind;
  }
  return status < 500 ? ErrorKind::kValidation : ErrorKind::kInternal;
}

int ApiError::status() const noexcept { return StatusOf(kind_); }

std::string_view ApiError::title() const noexcept {
  switch (kind_) {
    case ErrorKind::kValidation: return "Bad Request";
    case ErrorKind::kUnauthorized: return "Unauthorized";
    case ErrorKind::kPaymentRequired: return "Payment Required";
    case ErrorKind::kForbidden: return "Forbidden";
    case ErrorKind::kNotFound: return "Not Found";
    case ErrorKind::kMethodNotAllowed: return "Method Not Allowed";
    case ErrorKind::kConflict: return "Conflict";
    case ErrorKind::kPayload: return "Payload Too Large";
    case ErrorKind::kUnprocessable: return "Unprocessable Content";
    case ErrorKind::kRateLimited: return "Too Many Requests";
    case ErrorKind::kInternal: return "Internal Server Error";
    case ErrorKind::kUnavailable: return "Service Unavailable";
    case ErrorKind::kTimeout: return "Gateway Timeout";
  }
  return "Error";
}

ApiError ApiError::Validation(std::string code, std::string detail, std::vector<FieldError> fields) {
  return {ErrorKind::kValidation, std::move(code), std::move(detail), std::move(fields)};
}
ApiError ApiError::NotFound(std::string code, std::string detail) {
  return {ErrorKind::kNotFound, std::move(code), std::move(detail)};
}
ApiError ApiError::Conflict(std::string code, std::string detail) {
  return {ErrorKind::kConflict, std::move(code), std::move(detail)};
}
ApiError ApiError::Unavailable(std::string code, std::string detail) {
  return {ErrorKind::kUnavailable, std::move(code), std::move(detail)};
}
ApiError ApiError::Timeout(std::string code, std::string detail) {
  return {ErrorKind::kTimeout, std::move(code), std::move(detail)};
}
ApiError ApiError::Internal(std::string code, std::string detail) {
  return {ErrorKind::kInternal, std::move(code), std::move(detail)};
}

std::string ProblemJson(const ApiError& error, std::string_view request_id) {
  boost::json::object body;
  // The type URI names the stable code, so clients can link to the service README's table.
  body["type"] = "https://comptoir.local/problems/" + error.code();
  body["title"] = error.title();
  body["status"] = error.status();
  body["detail"] = error.detail();
  body["code"] = error.code();
  body["request_id"] = request_id;
  if (!error.fields().empty()) {
    boost::json::array errors;
    for (const auto& f : error.fields()) {
      errors.push_back(boost::json::object{{"field", f.field}, {"message", f.message}});
    }
    body["errors"] = std::move(errors);
  }
  return boost::json::serialize(body);
}

}  // namespace comptoir
