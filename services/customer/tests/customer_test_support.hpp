#pragma once
// Helpers shared by the customer service's integration tests: reading answers.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/testing/http.hpp"

namespace comptoir::customer {

inline constexpr const char* kDemoPassword = "comptoir-demo";

inline boost::json::value Json(const testing::HttpResult& r) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(r.body, ec);
  EXPECT_FALSE(ec) << "not JSON: " << r.body;
  return v;
}

inline std::string Str(const boost::json::value& v, std::string_view key) {
  return std::string(v.at(key).as_string());
}

/// The problem's `code`, or a text saying there is none (so that a comparison fails readably).
inline std::string Code(const testing::HttpResult& r) {
  boost::json::value v = Json(r);
  if (!v.is_object() || !v.as_object().contains("code")) return "<no code: " + r.body + ">";
  return Str(v, "code");
}

inline std::vector<std::string> ErrorFields(const testing::HttpResult& r) {
  std::vector<std::string> fields;
  boost::json::value v = Json(r);
  if (const auto* errors = v.as_object().if_contains("errors")) {
    for (const auto& e : errors->as_array()) fields.push_back(Str(e, "field"));
  }
  return fields;
}

inline bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace comptoir::customer
