#pragma once
// Reading the gateway's JSON answers leniently (a missing or mistyped field reads as empty or 0):
// the console shows what it got and never crashes on an answer it did not expect. Internal header.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

namespace comptoir::console::detail {

inline std::optional<boost::json::value> Parse(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec) return std::nullopt;
  return v;
}

inline std::optional<boost::json::object> Object(std::string_view body) {
  auto v = Parse(body);
  if (!v || !v->is_object()) return std::nullopt;
  return std::move(v->as_object());
}

inline const boost::json::value* Field(const boost::json::value& v, std::string_view key) {
  const auto* o = v.if_object();
  return o != nullptr ? o->if_contains(key) : nullptr;
}
inline const boost::json::value* Field(const boost::json::object& o, std::string_view key) {
  return o.if_contains(key);
}

/// A string field as is; a number or boolean as JSON text; "" when missing or null.
template <typename J>
std::string Str(const J& v, std::string_view key) {
  const auto* x = Field(v, key);
  if (x == nullptr || x->is_null()) return "";
  return x->is_string() ? std::string(x->as_string()) : boost::json::serialize(*x);
}

template <typename J>
std::int64_t Int(const J& v, std::string_view key, std::int64_t fallback = 0) {
  const auto* x = Field(v, key);
  return x != nullptr && x->is_number() ? x->template to_number<std::int64_t>() : fallback;
}

template <typename J>
std::optional<std::int64_t> OptInt(const J& v, std::string_view key) {
  const auto* x = Field(v, key);
  if (x == nullptr || !x->is_number()) return std::nullopt;
  return x->template to_number<std::int64_t>();
}

template <typename J>
bool Bool(const J& v, std::string_view key) {
  const auto* x = Field(v, key);
  return x != nullptr && x->is_bool() && x->as_bool();
}

/// An array field, or an empty array.
template <typename J>
const boost::json::array& Rows(const J& v, std::string_view key) {
  static const boost::json::array kNone;
  const auto* x = Field(v, key);
  return x != nullptr && x->is_array() ? x->as_array() : kNone;
}

}  // namespace comptoir::console::detail
