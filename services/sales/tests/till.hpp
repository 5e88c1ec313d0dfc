// What the money and recovery integration tests of sales share: a till that talks to a testing::Platform
// through the gateway like the console does (tokens minted with the platform's secret, as the other sales
// tests do), reads stock back from inventory, and looks into the sales database to check what was recorded.
#pragma once
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <boost/json.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/money.hpp"
#include "comptoir/testing/eventually.hpp"
#include "comptoir/testing/http.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/platform.hpp"

namespace comptoir::sales::test {

using testing::HttpResult;

inline boost::json::value Json(const HttpResult& r) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(r.body, ec);
  EXPECT_FALSE(ec) << "not JSON: " << r.body;
  return v;
}

inline std::string Code(const HttpResult& r) {
  boost::json::value v = Json(r);
  if (const auto* o = v.if_object()) {
    if (const auto* c = o->if_contains("code"); c && c->is_string()) return std::string(c->as_string());
  }
  return "";
}

inline std::int64_t Int(const boost::json::value& v, std::string_view key) {
  return v.at(key).to_number<std::int64_t>();
}

inline std::string SaleBody(std::int64_t location, const std::string& lines, const std::string& payments) {
  return R"({"location_id": )" + std::to_string(location) + R"(, "lines": )" + lines + R"(, "payments": )" + payments +
         "}";
}

/// A card payment of exactly the total of `subtotal_cents`.
inline std::string CardFor(std::int64_t subtotal_cents) {
  return R"([{"method": "card", "amount_cents": )" +
         std::to_string(subtotal_cents + money::QuebecTaxes(subtotal_cents).total()) + "}]";
}

inline std::string ReturnBody(std::int64_t product, std::int64_t quantity, const std::string& extra = "") {
  return R"({"lines": [{"product_id": )" + std::to_string(product) + R"(, "quantity": )" + std::to_string(quantity) +
         R"(}], "reason": "test")" + extra + "}";
}

/// The till: requests through the gateway, tokens of the platform.
class Till {
 public:
  explicit Till(testing::Platform& platform) : platform_(platform) {}

  [[nodiscard]] std::string Token(auth::Role role, const std::string& subject, std::optional<std::int64_t> location,
                                  std::int64_t now = auth::NowSeconds()) const {
    return auth::IssueToken(platform_.Jwt(), auth::Principal{subject, role, location, 0}, now);
  }
  [[nodiscard]] std::string Cashier(std::int64_t store) const {
    return Token(auth::Role::kCashier, std::to_string(store), store);
  }
  [[nodiscard]] std::string Manager() const { return Token(auth::Role::kManager, "7", std::nullopt); }

  HttpResult Post(const std::string& target, const std::string& body, const std::string& token, const std::string& key,
                  std::vector<std::pair<std::string, std::string>> headers = {}) const {
    if (!key.empty()) headers.emplace_back("Idempotency-Key", key);
    return platform_.Call("POST", target, body, token, std::move(headers));
  }
  HttpResult Get(const std::string& target, const std::string& token) const {
    return platform_.Call("GET", target, "", token);
  }

  /// A card sale of one `product` at `store` (unit price `unit_cents`): the receipt (the test fails otherwise).
  boost::json::value SellOne(std::int64_t store, std::int64_t product, std::int64_t unit_cents,
                             const std::string& key) const {
    HttpResult r = Post(
        "/api/v1/sales",
        SaleBody(store, R"([{"product_id": )" + std::to_string(product) + R"(, "quantity": 1}])", CardFor(unit_cents)),
        Cashier(store), key);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? Json(r) : boost::json::value();
  }

  /// on_hand of a product at a location, read from inventory through the gateway.
  std::int64_t OnHand(std::int64_t location, std::int64_t product) const {
    HttpResult r =
        Get("/api/v1/inventory?location_id=" + std::to_string(location) + "&product_id=" + std::to_string(product),
            Manager());
    EXPECT_EQ(r.status, 200) << r.body;
    const boost::json::value body = Json(r);
    const auto& data = body.at("data").as_array();
    return data.empty() ? 0 : Int(data[0], "on_hand");
  }

  /// Movements of inventory's ledger with this reference (e.g. "sale:<key>").
  std::size_t Movements(const std::string& reference) const {
    HttpResult r = Get("/api/v1/inventory/movements?reference=" + reference, Manager());
    if (r.status != 200) return 0;
    return Json(r).at("data").as_array().size();
  }

  std::string SalesDb(const std::string& sql) const { return testing::QueryValue(platform_.Conninfo("sales"), sql); }

 private:
  testing::Platform& platform_;
};

/// An open transaction on another connection holding `lock_sql` (e.g. "LOCK TABLE idempotency_keys IN
/// SHARE MODE") until Release(): sales' writes that need the lock wait, which freezes a request at a chosen
/// step so that the test can kill the process there.
class HeldLock {
 public:
  HeldLock(const std::string& conninfo, const std::string& lock_sql) : connection_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(connection_) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(connection_));
    Run("BEGIN");
    Run(lock_sql);
  }
  ~HeldLock() { Release(); }
  HeldLock(const HeldLock&) = delete;
  HeldLock& operator=(const HeldLock&) = delete;
  void Release() {
    if (!connection_) return;
    Run("ROLLBACK");
    PQfinish(connection_);
    connection_ = nullptr;
  }

 private:
  void Run(const std::string& sql) {
    PGresult* result = PQexec(connection_, sql.c_str());
    const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK || PQresultStatus(result) == PGRES_TUPLES_OK;
    PQclear(result);
    if (!ok) throw std::runtime_error(std::string("lock: ") + PQerrorMessage(connection_));
  }
  PGconn* connection_;
};

}  // namespace comptoir::sales::test
