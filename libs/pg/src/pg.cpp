// Values and errors of libs/pg: SQLSTATE mapping, parameters, rows and results.
#include "comptoir/pg/pg.hpp"

#include <charconv>
#include <cstdlib>
#include <limits>

#include <libpq-fe.h>

namespace comptoir::pg {

PgError::PgError(ErrorKind kind, std::string code, std::string detail, std::string sqlstate, std::string constraint)
    : ApiError(kind, std::move(code), std::move(detail)),
      sqlstate_(std::move(sqlstate)),
      constraint_(std::move(constraint)) {}

PgError MapError(std::string_view sqlstate, std::string message, std::string constraint) {
  const std::string state(sqlstate);
  const std::string_view cls = sqlstate.substr(0, std::min<std::size_t>(2, sqlstate.size()));
  const std::string on = constraint.empty() ? std::string() : " " + constraint;
  // Details reach API clients: only the constraint name or the server's primary message, never SQL.
  if (sqlstate == "23505") {
    return {ErrorKind::kConflict, "db.unique_violation", "duplicate value violates unique constraint" + on, state,
            std::move(constraint)};
  }
  if (sqlstate == "23503") {
    return {ErrorKind::kConflict, "db.foreign_key_violation",
            "the row refers to, or is referred to by, another row" +
                (constraint.empty() ? std::string() : " (constraint " + constraint + ")"),
            state, std::move(constraint)};
  }
  if (sqlstate == "23514") {
    return {ErrorKind::kValidation, "db.invalid_value", "value violates check constraint" + on, state,
            std::move(constraint)};
  }
  if (sqlstate == "23502") {
    return {ErrorKind::kValidation, "db.invalid_value", message.empty() ? "a required value is missing" : message,
            state, std::move(constraint)};
  }
  if (cls == "22") {
    return {ErrorKind::kValidation, "db.invalid_value", message.empty() ? "invalid value" : message, state,
            std::move(constraint)};
  }
  if (sqlstate == "40001" || sqlstate == "40P01") {
    return {ErrorKind::kConflict, "db.serialization_failure", "concurrent update, please retry", state,
            std::move(constraint)};
  }
  if (sqlstate == "57014") {
    return {ErrorKind::kTimeout, "db.timeout", "the database did not answer in time", state, std::move(constraint)};
  }
  // No SQLSTATE means libpq itself failed: the server is unreachable or the connection broke.
  if (sqlstate.empty() || cls == "08" || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03" ||
      cls == "53") {
    return {ErrorKind::kUnavailable, "db.unavailable", "the database is unavailable", state, std::move(constraint)};
  }
  return {ErrorKind::kInternal, "db.error", "database error (SQLSTATE " + state + ")", state, std::move(constraint)};
}

Params& Params::Add(std::string_view text) {
  values_.emplace_back(std::string(text));
  return *this;
}

Params& Params::Add(std::int64_t value) {
  values_.emplace_back(std::to_string(value));
  return *this;
}

Params& Params::Add(bool value) {
  values_.emplace_back(value ? "t" : "f");
  return *this;
}

Params& Params::AddNull() {
  values_.emplace_back(std::nullopt);
  return *this;
}

void Params::Freeze() {
  pointers_.clear();
  pointers_.reserve(values_.size());
  for (const auto& v : values_) pointers_.push_back(v ? v->c_str() : nullptr);
}

namespace {

[[noreturn]] void BadValue(std::string_view type) {
  throw ApiError(ErrorKind::kInternal, "db.bad_value", "column is not a valid " + std::string(type));
}

}  // namespace

bool Row::IsNull(int column) const {
  return PQgetisnull(result_, row_, column) != 0;
}

std::string_view Row::Text(int column) const {
  return {PQgetvalue(result_, row_, column), static_cast<std::size_t>(PQgetlength(result_, row_, column))};
}

std::optional<std::string_view> Row::OptText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}

std::int64_t Row::Int(int column) const {
  const std::string_view text = Text(column);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) BadValue("integer");
  return value;
}

std::optional<std::int64_t> Row::OptInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

bool Row::Bool(int column) const {
  const std::string_view text = Text(column);
  if (text == "t") return true;
  if (text == "f") return false;
  BadValue("boolean");
}

double Row::Double(int column) const {
  const std::string_view text = Text(column);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return value;
  // from_chars does not read PostgreSQL's spelling of the special values.
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "Infinity") return std::numeric_limits<double>::infinity();
  if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
  BadValue("number");
}

Result::Result(PGresult* result) : result_(result) {}

void Result::Deleter::operator()(PGresult* r) const noexcept {
  PQclear(r);
}

int Result::size() const noexcept {
  return result_ ? PQntuples(result_.get()) : 0;
}

std::int64_t Result::AffectedRows() const {
  if (!result_) return 0;
  const char* text = PQcmdTuples(result_.get());
  if (text == nullptr || *text == '\0') return 0;
  return std::strtoll(text, nullptr, 10);
}

}  // namespace comptoir::pg
