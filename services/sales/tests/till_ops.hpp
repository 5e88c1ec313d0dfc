// What the till-operation tests of issue 15 share (ADR 0150–0152): a platform that requires register sessions,
// and helpers to open one, sell on it and record movements.
#pragma once
#include <ctime>
#include <string>

#include "till.hpp"

namespace comptoir::sales::test {

/// product, inventory, customer (sales' service token) and sales, register sessions required.
inline testing::PlatformOptions TillPlatformOptions(const std::string& name) {
  return {.services = {"customer", "product", "inventory", "sales"},
          .name = name,
          .env = {{"COMPTOIR_SALES_REQUIRE_REGISTER_SESSION", "true"}}};
}

inline std::int64_t OpenSession(const Till& till, std::int64_t store, const std::string& register_name,
                                std::int64_t float_cents) {
  HttpResult r = till.Post("/api/v1/register-sessions",
                           R"({"location_id": )" + std::to_string(store) + R"(, "register": ")" + register_name +
                               R"(", "opening_float_cents": )" + std::to_string(float_cents) + "}",
                           till.Cashier(store), "");
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? Int(Json(r), "id") : 0;
}

/// A sale body on a session.
inline std::string SessionSale(std::int64_t store, std::int64_t session, const std::string& lines,
                               const std::string& payments, const std::string& extra = "") {
  return R"({"location_id": )" + std::to_string(store) + R"(, "register_session_id": )" + std::to_string(session) +
         R"(, "lines": )" + lines + R"(, "payments": )" + payments + extra + "}";
}

inline std::string SessionPath(std::int64_t session, const std::string& rest = "") {
  return "/api/v1/register-sessions/" + std::to_string(session) + rest;
}

/// An RFC 3339 UTC instant `seconds_ago` seconds back.
inline std::string SecondsAgo(int seconds_ago) {
  const std::time_t t = std::time(nullptr) - seconds_ago;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

inline std::int64_t Sum(const boost::json::array& items, std::string_view key) {
  std::int64_t total = 0;
  for (const auto& item : items) total += Int(item, key);
  return total;
}

}  // namespace comptoir::sales::test
