// Integration test: product, inventory, sales and reporting (the real `comptoir` binary, each with its own
// database) behind the gateway; events flow through a private redis-server started here (append-only file,
// so that stopping and starting it keeps the stream), reached with `events.redis_url` and a stream name of
// this test's own. Reporting's numbers are compared with a recomputation from the sales read back through
// the sales API (PostgreSQL serves only as a calculator for time-zone arithmetic on those values).
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>
#include <boost/json.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/money.hpp"
#include "comptoir/testing/http.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/platform.hpp"
#include "comptoir/testing/process.hpp"
#include "comptoir/testing/redis_server.hpp"

namespace comptoir::reporting {
namespace {

using testing::HttpResult;
namespace json = boost::json;
namespace ct = comptoir::testing;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

json::value Json(const HttpResult& r) {
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  EXPECT_FALSE(ec) << "not JSON: " << r.body;
  return v;
}

std::int64_t Int(const json::value& v, std::string_view key) {
  return v.at(key).to_number<std::int64_t>();
}

class ReportingPlatform : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    redis_ = new ct::RedisServer({.keep_data = true});
    stream_ = "reporting_it:" + std::to_string(::getpid());
    const std::string& stream = stream_;
    platform_ =
        new ct::Platform({.services = {"customer", "product", "inventory", "sales", "reporting"},
                          .name = "reporting_it",
                          .env = {{"COMPTOIR_EVENTS_REDIS_URL", "redis://127.0.0.1:" + std::to_string(redis_->port())},
                                  {"COMPTOIR_EVENTS_STREAM", stream},
                                  {"COMPTOIR_EVENTS_MAX_BACKOFF_MS", "500"},
                                  {"COMPTOIR_EVENTS_CLAIM_IDLE_MS", "2000"}}});
    // These tests predate tax classes (ADR 0140) and sell the demo groceries as taxable goods.
    for (const char* id : {"9", "11", "12"}) {
      HttpResult r =
          platform_->Call("PATCH", std::string("/api/v1/products/") + id, R"({"tax_class": "taxable"})", Admin());
      ASSERT_EQ(r.status, 200) << r.body;
    }
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
    delete redis_;
    redis_ = nullptr;
  }

  static std::string Token(auth::Role role, const std::string& subject, std::optional<std::int64_t> location) {
    return auth::IssueToken(platform_->Jwt(), auth::Principal{subject, role, location, 0}, auth::NowSeconds());
  }
  static std::string Cashier(std::int64_t store) { return Token(auth::Role::kCashier, std::to_string(store), store); }
  static std::string Manager() { return Token(auth::Role::kManager, "7", std::nullopt); }
  static std::string Admin() { return Token(auth::Role::kAdmin, "8", std::nullopt); }

  static HttpResult Get(const std::string& target, const std::string& token) {
    return platform_->Call("GET", target, "", token);
  }
  static std::string ReportingDb(const std::string& sql) {
    return ct::QueryValue(platform_->Conninfo("reporting"), sql);
  }
  static std::string SalesDb(const std::string& sql) { return ct::QueryValue(platform_->Conninfo("sales"), sql); }

  /// A card sale of `quantity` × product at `store`, through the gateway; returns its receipt.
  static json::value Sell(std::int64_t store, std::int64_t product, std::int64_t quantity, std::int64_t unit_cents) {
    const std::int64_t subtotal = unit_cents * quantity;
    const std::int64_t total = subtotal + money::QuebecTaxes(subtotal).total();
    const std::string body = R"({"location_id": )" + std::to_string(store) + R"(, "lines": [{"product_id": )" +
                             std::to_string(product) + R"(, "quantity": )" + std::to_string(quantity) +
                             R"(}], "payments": [{"method": "card", "amount_cents": )" + std::to_string(total) + "}]}";
    static int counter = 0;
    const std::string key = "reporting-it-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
    HttpResult r = platform_->Call("POST", "/api/v1/sales", body, Cashier(store), {{"Idempotency-Key", key}});
    EXPECT_EQ(r.status, 201) << r.body;
    return Json(r);
  }

  /// Every sale and every return, read back through the sales API (all pages): {created_at, location_id,
  /// total_cents}; returns have negative totals.
  struct SaleRow {
    std::string created_at;
    std::int64_t location_id;
    std::int64_t total_cents;
    bool refund = false;
  };
  /// Calls `f` with every sale of the sales API (all pages, newest first).
  template <class F>
  static void ForEachSale(F f) {
    for (int page = 1;; ++page) {
      HttpResult r = Get("/api/v1/sales?per_page=100&page=" + std::to_string(page), Manager());
      EXPECT_EQ(r.status, 200) << r.body;
      json::value v = Json(r);
      const auto& data = v.at("data").as_array();
      for (const auto& s : data) f(s);
      if (data.size() < 100) break;
    }
  }
  static std::vector<SaleRow> AllSales() {
    std::vector<SaleRow> out;
    ForEachSale([&out](const json::value& s) {
      out.push_back({std::string(s.at("created_at").as_string()), Int(s, "location_id"), Int(s, "total_cents")});
      bool returned = false;
      for (const auto& line : s.at("lines").as_array()) returned = returned || Int(line, "returned_quantity") > 0;
      if (!returned) return;
      HttpResult rr = Get("/api/v1/sales/" + std::to_string(Int(s, "id")) + "/returns", Manager());
      EXPECT_EQ(rr.status, 200) << rr.body;
      json::value returns = Json(rr);
      for (const auto& ret : returns.at("data").as_array()) {
        out.push_back(
            {std::string(ret.at("created_at").as_string()), Int(ret, "location_id"), -Int(ret, "total_cents"), true});
      }
    });
    return out;
  }

  /// Expected dashboard figures per store from the sales: revenue today, 7 days, 7 before, transactions today
  /// (no returns in this suite before the returns test), days in America/Toronto.
  struct Expected {
    std::int64_t today = 0, last7 = 0, previous7 = 0, transactions = 0;
  };
  static std::map<std::int64_t, Expected> Recompute(const std::vector<SaleRow>& sales) {
    std::map<std::int64_t, Expected> out;
    if (sales.empty()) return out;
    std::string values;
    for (const auto& s : sales) {
      if (!values.empty()) values += ',';
      values += "('" + s.created_at + "'::timestamptz," + std::to_string(s.location_id) + "," +
                std::to_string(s.total_cents) + "," + (s.refund ? "0" : "1") + ")";
    }
    // One text line per store: "location today last7 previous7 transactions".
    const std::string sql =
        "WITH t AS (SELECT (now() AT TIME ZONE 'America/Toronto')::date AS today),"
        " v AS (SELECT (at AT TIME ZONE 'America/Toronto')::date AS day, loc, total, receipt FROM (VALUES " +
        values +
        ") x(at, loc, total, receipt))"
        " SELECT string_agg(loc || ' ' || a || ' ' || b || ' ' || c || ' ' || d, ';' ORDER BY loc) FROM ("
        " SELECT loc, COALESCE(sum(total) FILTER (WHERE day = t.today), 0) a,"
        " COALESCE(sum(total) FILTER (WHERE day > t.today - 7 AND day <= t.today), 0) b,"
        " COALESCE(sum(total) FILTER (WHERE day > t.today - 14 AND day <= t.today - 7), 0) c,"
        " COALESCE(sum(receipt) FILTER (WHERE day = t.today), 0) d FROM v, t GROUP BY loc) y";
    std::string text = ct::QueryValue(platform_->Conninfo("reporting"), sql);
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find(';', start);
      if (end == std::string::npos) end = text.size();
      std::istringstream line(text.substr(start, end - start));
      std::int64_t loc = 0;
      Expected e;
      line >> loc >> e.today >> e.last7 >> e.previous7 >> e.transactions;
      out[loc] = e;
      start = end + 1;
    }
    return out;
  }

  static json::value Dashboard() {
    HttpResult r = Get("/api/v1/dashboard", Manager());
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r);
  }

  static const json::object* Store(const json::value& dashboard, std::int64_t id) {
    for (const auto& s : dashboard.at("stores").as_array()) {
      if (Int(s, "location_id") == id) return &s.as_object();
    }
    return nullptr;
  }

  /// Whether every store's dashboard figures equal the recomputation; `why` says the first difference.
  static bool DashboardMatches(const std::map<std::int64_t, Expected>& expected, std::string& why) {
    json::value d = Dashboard();
    for (std::int64_t id = 1; id <= 5; ++id) {
      const json::object* s = Store(d, id);
      if (!s) {
        why = "store " + std::to_string(id) + " missing";
        return false;
      }
      Expected e;
      if (auto it = expected.find(id); it != expected.end()) e = it->second;
      const std::int64_t got[] = {Int(*s, "revenue_today_cents"), Int(*s, "revenue_7d_cents"),
                                  Int(*s, "revenue_previous_7d_cents"), Int(*s, "transactions_today")};
      const std::int64_t want[] = {e.today, e.last7, e.previous7, e.transactions};
      for (int i = 0; i < 4; ++i) {
        if (got[i] != want[i]) {
          why = "store " + std::to_string(id) + " figure " + std::to_string(i) + ": " + std::to_string(got[i]) +
                " != " + std::to_string(want[i]) + " in " + json::serialize(*s);
          return false;
        }
      }
    }
    return true;
  }

  /// Polls until the dashboard equals the recomputation from the sales API (bounded wait).
  static void ExpectDashboardMatchesSales(std::chrono::seconds bound) {
    const auto expected = Recompute(AllSales());
    std::string why;
    const auto deadline = Clock::now() + bound;
    while (!DashboardMatches(expected, why) && Clock::now() < deadline) std::this_thread::sleep_for(100ms);
    EXPECT_TRUE(DashboardMatches(expected, why)) << why;
  }

  /// Events applied by reporting must be exactly the sales' SaleCompleted events: none missing, none twice.
  static void ExpectEachSaleOnce() {
    EXPECT_EQ(ReportingDb("SELECT count(*) FROM receipts WHERE channel = 'store'"),
              SalesDb("SELECT count(*) FROM sales"));
    EXPECT_EQ(ReportingDb("SELECT count(*) FROM processed_events WHERE type = 'SaleCompleted'"),
              SalesDb("SELECT count(*) FROM outbox WHERE type = 'SaleCompleted'"));
    EXPECT_EQ(ReportingDb("SELECT COALESCE(sum(total_cents), 0) FROM receipts WHERE channel = 'store'"),
              SalesDb("SELECT COALESCE(sum(total_cents), 0) FROM sales"));
    EXPECT_EQ(ReportingDb("SELECT count(*) FROM processed_events WHERE type = 'SaleReturned'"),
              SalesDb("SELECT count(*) FROM outbox WHERE type = 'SaleReturned'"));
  }

  /// The money of every sale and return of the sales API, summed: what the tax report must say.
  struct Money {
    std::int64_t sales = 0, gst = 0, qst = 0, rounding = 0;                              // receipts
    std::int64_t refunded = 0, refunded_gst = 0, refunded_qst = 0, refund_rounding = 0;  // returns
    std::int64_t sales_count = 0, return_count = 0;
  };
  static Money AllMoney() {
    Money m;
    ForEachSale([&m](const json::value& s) {
      ++m.sales_count;
      m.sales += Int(s, "subtotal_cents");
      m.gst += Int(s, "gst_cents");
      m.qst += Int(s, "qst_cents");
      m.rounding += Int(s, "cash_rounding_cents");
      json::value returns = Json(Get("/api/v1/sales/" + std::to_string(Int(s, "id")) + "/returns", Manager()));
      for (const auto& ret : returns.at("data").as_array()) {
        ++m.return_count;
        m.refunded += Int(ret, "subtotal_cents");
        m.refunded_gst += Int(ret, "gst_cents");
        m.refunded_qst += Int(ret, "qst_cents");
        m.refund_rounding += Int(ret, "cash_rounding_cents");
      }
    });
    return m;
  }

  /// Waits until reporting has applied every sale and every return of the sales database.
  static void AwaitEverySaleAndReturn() {
    const auto deadline = Clock::now() + 60s;
    auto caught_up = [] {
      return ReportingDb("SELECT count(*) FROM receipts WHERE channel = 'store'") ==
                 SalesDb("SELECT count(*) FROM sales") &&
             ReportingDb("SELECT count(*) FROM refunds WHERE channel = 'store'") ==
                 SalesDb("SELECT count(*) FROM sale_returns WHERE status = 'completed'");
    };
    while (!caught_up() && Clock::now() < deadline) std::this_thread::sleep_for(100ms);
    ASSERT_TRUE(caught_up());
  }

  /// ?from=…&to=… around today (every sale of the suite and the demo week).
  static std::string Window() {
    HttpResult today = Get("/api/v1/dashboard", Manager());
    const std::string day(Json(today).at("business_day").as_string());
    return "?from=" + SalesDb("SELECT to_char('" + day + "'::date - 20, 'YYYY-MM-DD')") +
           "&to=" + SalesDb("SELECT to_char('" + day + "'::date + 1, 'YYYY-MM-DD')");
  }

  static HttpResult Post(const std::string& target, const std::string& body, const std::string& token,
                         const std::string& key) {
    return platform_->Call("POST", target, body, token, {{"Idempotency-Key", key}});
  }

  static ct::Platform* platform_;
  static ct::RedisServer* redis_;
  static std::string stream_;
};

ct::Platform* ReportingPlatform::platform_ = nullptr;
ct::RedisServer* ReportingPlatform::redis_ = nullptr;
std::string ReportingPlatform::stream_;

TEST_F(ReportingPlatform, TheDemoWeekReachesTheDashboardForTheFiveStores) {
  ExpectDashboardMatchesSales(60s);
  json::value d = Dashboard();
  for (std::int64_t id = 1; id <= 5; ++id) {
    const json::object* s = Store(d, id);
    ASSERT_NE(s, nullptr);
    EXPECT_GT(Int(*s, "revenue_7d_cents"), 0) << json::serialize(*s);
    EXPECT_FALSE(s->at("name").as_string().empty());
  }
  EXPECT_TRUE(d.at("online").is_object());
  EXPECT_TRUE(d.at("as_of").is_string());
  ExpectEachSaleOnce();
}

TEST_F(ReportingPlatform, ASaleChangesItsStoresRevenueTodayByItsTotalWithinTwoSeconds) {
  ExpectDashboardMatchesSales(60s);  // the demo week has been applied
  const std::int64_t before = Int(*Store(Dashboard(), 4), "revenue_today_cents");
  json::value receipt = Sell(4, 5, 2, 1999);
  const auto sold = Clock::now();
  const std::int64_t total = Int(receipt, "total_cents");
  std::int64_t now = before;
  while (now != before + total && Clock::now() < sold + 2s) {
    now = Int(*Store(Dashboard(), 4), "revenue_today_cents");
    if (now != before + total) std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(now, before + total);
}

TEST_F(ReportingPlatform, RedisDownSalesWaitInTheOutboxAndAppearOnceWhenItIsBack) {
  ExpectDashboardMatchesSales(60s);
  redis_->Stop();
  std::int64_t sold = 0;
  for (int i = 0; i < 3; ++i) sold += Int(Sell(2, 9, 1, 1299), "total_cents");
  EXPECT_GT(sold, 0);
  // Nothing can be published meanwhile: the sales wait in sales' outbox, and sales' /metrics says so.
  EXPECT_NE(SalesDb("SELECT count(*) FROM outbox WHERE published_at IS NULL"), "0");
  auto backlog = [] {
    HttpResult m = ct::Http(static_cast<std::uint16_t>(platform_->Port("sales")), "GET", "/metrics");
    const auto at = m.body.find("\noutbox_backlog ");
    return at == std::string::npos ? std::string("?") : m.body.substr(at + 16, m.body.find('\n', at + 1) - at - 16);
  };
  auto deadline = Clock::now() + 10s;
  while (backlog() != "3" && Clock::now() < deadline) std::this_thread::sleep_for(100ms);
  EXPECT_EQ(backlog(), "3");
  redis_->Start();
  ExpectDashboardMatchesSales(60s);
  deadline = Clock::now() + 30s;
  while (SalesDb("SELECT count(*) FROM outbox WHERE published_at IS NULL") != "0" && Clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(SalesDb("SELECT count(*) FROM outbox WHERE published_at IS NULL"), "0");
  while (backlog() != "0" && Clock::now() < deadline) std::this_thread::sleep_for(100ms);
  EXPECT_EQ(backlog(), "0");
  ExpectEachSaleOnce();
}

TEST_F(ReportingPlatform, KillingReportingMidStreamLosesNothingAndCountsNothingTwice) {
  ExpectDashboardMatchesSales(60s);
  for (int i = 0; i < 4; ++i) Sell(1 + i % 5, 10, 1, 499);
  platform_->StopService("reporting", /*kill=*/true);
  for (int i = 0; i < 4; ++i) Sell(1 + i % 5, 11, 1, 899);
  platform_->StartService("reporting");
  ExpectDashboardMatchesSales(60s);
  ExpectEachSaleOnce();
}

TEST_F(ReportingPlatform, TheSalesReportEqualsTheReceiptsToTheCentWhateverTheGrouping) {
  ExpectDashboardMatchesSales(60s);
  const auto sales = AllSales();
  std::int64_t expected = 0;
  std::map<std::int64_t, std::int64_t> by_store;
  std::int64_t receipts = 0;
  for (const auto& s : sales) {
    if (s.refund) continue;
    ++receipts;
    expected += s.total_cents;
    by_store[s.location_id] += s.total_cents;
  }
  const std::string window = Window();
  for (std::string group : {"location", "day", "channel"}) {
    HttpResult r = Get("/api/v1/reports/sales" + window + "&group_by=" + group, Manager());
    ASSERT_EQ(r.status, 200) << r.body;
    json::value v = Json(r);
    EXPECT_EQ(Int(v.at("totals"), "total_cents"), expected) << group;
    EXPECT_EQ(Int(v.at("totals"), "transactions"), receipts) << group;
    if (group == "location") {
      for (const auto& row : v.at("rows").as_array()) {
        ASSERT_FALSE(row.at("location_id").is_null()) << "no order service here: no online row expected";
        EXPECT_EQ(Int(row, "total_cents"), by_store[Int(row, "location_id")]) << json::serialize(row);
        EXPECT_EQ(Int(row, "total_cents"), Int(row, "subtotal_cents") + Int(row, "gst_cents") + Int(row, "qst_cents"));
      }
    }
  }
  // Product and category rows add up to the pre-tax subtotal of the receipts.
  HttpResult by_location = Get("/api/v1/reports/sales" + window + "&group_by=location", Manager());
  const std::int64_t subtotal = Int(Json(by_location).at("totals"), "subtotal_cents");
  for (std::string group : {"product", "category"}) {
    HttpResult r = Get("/api/v1/reports/sales" + window + "&group_by=" + group, Manager());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Int(Json(r).at("totals"), "sales_cents"), subtotal) << group;
  }
  // CSV: the same rows.
  HttpResult csv = platform_->Call("GET", "/api/v1/reports/sales" + window + "&group_by=location", "", Manager(),
                                   {{"Accept", "text/csv"}});
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.substr(0, csv.body.find("\r\n")),
            "location_id,name,transactions,subtotal_cents,gst_cents,qst_cents,total_cents,refunds,refunds_cents,"
            "net_cents,refunds_subtotal_cents,refunds_gst_cents,refunds_qst_cents,net_subtotal_cents,net_gst_cents,"
            "net_qst_cents,cash_rounding_cents");
  HttpResult csv2 = Get("/api/v1/reports/sales" + window + "&group_by=location&format=csv", Manager());
  EXPECT_EQ(csv2.body, csv.body);
  // Top products: the best seller by revenue first.
  HttpResult top = Get("/api/v1/reports/top-products" + window + "&limit=3", Manager());
  ASSERT_EQ(top.status, 200) << top.body;
  const json::value top_body = Json(top);
  const auto& rows = top_body.at("rows").as_array();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_GE(Int(rows[0], "sales_cents"), Int(rows[1], "sales_cents"));
}

TEST_F(ReportingPlatform, ACashierSeesOnlyTheirStoreAndShoppersNothing) {
  HttpResult own = Get("/api/v1/dashboard", Cashier(3));
  ASSERT_EQ(own.status, 200) << own.body;
  json::value d = Json(own);
  ASSERT_EQ(d.at("stores").as_array().size(), 1u);
  EXPECT_EQ(Int(d.at("stores").as_array()[0], "location_id"), 3);
  EXPECT_TRUE(d.at("online").is_null());
  EXPECT_EQ(Get("/api/v1/reports/sales?location_id=4", Cashier(3)).status, 403);
  HttpResult mine = Get("/api/v1/reports/sales?group_by=location", Cashier(3));
  ASSERT_EQ(mine.status, 200) << mine.body;
  const json::value mine_body = Json(mine);
  for (const auto& row : mine_body.at("rows").as_array()) EXPECT_EQ(Int(row, "location_id"), 3);
  EXPECT_EQ(Get("/api/v1/dashboard", Token(auth::Role::kCustomer, "1", std::nullopt)).status, 403);
  EXPECT_EQ(Get("/api/v1/dashboard", "").status, 401);
  HttpResult bad = Get("/api/v1/reports/sales?from=yesterday&group_by=cashier&channel=phone", Manager());
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Json(bad).at("errors").as_array().size(), 3u) << bad.body;
}

TEST_F(ReportingPlatform, StockLevelsFollowTheLedgerAndReturnsAreReported) {
  ExpectDashboardMatchesSales(60s);
  // Every seeded stock row arrives as a StockChanged event.
  std::size_t levels = 0;
  const auto seeded = Clock::now() + 30s;
  while (Clock::now() < seeded) {
    HttpResult stock = Get("/api/v1/reports/stock", Manager());
    ASSERT_EQ(stock.status, 200) << stock.body;
    levels = Json(stock).at("rows").as_array().size();
    if (levels == 6u * 18u + 5u * 2u) break;  // products 1–18 at stores and Anjou, 19–20 (weighed) at stores
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(levels, 6u * 18u + 5u * 2u);
  // A sale at Westmount: reporting's level of that product equals inventory's, within the bound.
  json::value receipt = Sell(5, 14, 1, 2499);
  auto inventory_level = [] {
    json::value v = Json(Get("/api/v1/inventory?location_id=5&product_id=14", Manager()));
    return Int(v.at("data").as_array()[0], "available");
  };
  auto reporting_level = [] {
    json::value v = Json(Get("/api/v1/reports/stock?location_id=5&product_id=14", Manager()));
    return Int(v.at("rows").as_array()[0], "available");
  };
  const std::int64_t want = inventory_level();
  auto deadline = Clock::now() + 30s;
  while (reporting_level() != want && Clock::now() < deadline) std::this_thread::sleep_for(100ms);
  EXPECT_EQ(reporting_level(), want);
  // A return of that sale: in the returns report, and the store's net revenue drops by the refund.
  const std::string sale_id = std::to_string(Int(receipt, "id"));
  HttpResult ret = platform_->Call("POST", "/api/v1/sales/" + sale_id + "/returns",
                                   R"({"lines": [{"product_id": 14, "quantity": 1}], "reason": "wilted"})", Cashier(5),
                                   {{"Idempotency-Key", "reporting-it-return-" + sale_id}});
  ASSERT_EQ(ret.status, 201) << ret.body;
  const std::int64_t refund = Int(Json(ret), "total_cents");
  deadline = Clock::now() + 30s;
  json::value returns;
  while (Clock::now() < deadline) {
    returns = Json(Get("/api/v1/reports/returns?location_id=5", Manager()));
    if (!returns.at("rows").as_array().empty()) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(returns.at("rows").as_array().size(), 1u) << json::serialize(returns);
  EXPECT_EQ(Int(returns.at("rows").as_array()[0], "total_cents"), refund);
  EXPECT_EQ(returns.at("rows").as_array()[0].at("receipt_ref").as_string(), sale_id);
  json::value by_location = Json(Get("/api/v1/reports/sales?location_id=5", Manager()));
  const auto& row = by_location.at("rows").as_array().at(0);
  EXPECT_EQ(Int(row, "refunds_cents"), refund);
  EXPECT_EQ(Int(row, "net_cents"), Int(row, "total_cents") - refund);
}

// The dashboard counts its low-stock alerts with a query of its own (migration 0181's partial indexes, ADR 0182):
// per store and for the chain (with the centre), they are the rows the stock report marks low, whether a row is
// low by its own reorder point or by its location type's default; and they follow a reorder point that changes.
TEST_F(ReportingPlatform, TheDashboardsLowStockAlertsAreTheStockReportsLowRows) {
  auto low_rows = [](const std::string& location) {
    HttpResult r = Get("/api/v1/reports/stock?low_stock=true" + location, Manager());
    EXPECT_EQ(r.status, 200) << r.body;
    return static_cast<std::int64_t>(Json(r).at("rows").as_array().size());
  };
  auto matches = [&](std::string& why) {
    json::value d = Dashboard();
    for (std::int64_t store = 1; store <= 5; ++store) {
      const json::object* o = Store(d, store);
      const std::int64_t want = low_rows("&location_id=" + std::to_string(store));
      if (o == nullptr || Int(*o, "low_stock_count") != want) {
        why =
            "store " + std::to_string(store) + ": report " + std::to_string(want) + ", dashboard " + json::serialize(d);
        return false;
      }
    }
    const std::int64_t chain = low_rows("");
    if (Int(d.at("totals"), "low_stock_count") != chain) {
      why = "chain: report " + std::to_string(chain) + ", dashboard " + json::serialize(d.at("totals"));
      return false;
    }
    return true;
  };
  auto set_point = [](std::int64_t location, std::int64_t product, std::int64_t point) {
    HttpResult r = platform_->Call(
        "PUT", "/api/v1/inventory/reorder-points",
        json::serialize(json::object{{"location_id", location}, {"product_id", product}, {"reorder_point", point}}),
        Manager());
    ASSERT_EQ(r.status, 200) << r.body;
  };
  // A product the report does not mark low at `location`, with some stock: {product, available}.
  auto not_low = [](std::int64_t location) {
    json::value v = Json(Get("/api/v1/reports/stock?location_id=" + std::to_string(location), Manager()));
    for (const auto& row : v.at("rows").as_array()) {
      if (!row.at("low_stock").as_bool() && Int(row, "available") > 0) {
        return std::pair{Int(row, "product_id"), Int(row, "available")};
      }
    }
    ADD_FAILURE() << "no stocked product above its reorder point at " << location << ": " << json::serialize(v);
    return std::pair<std::int64_t, std::int64_t>{0, 0};
  };
  auto eventually = [&](const char* step) {
    std::string why;
    const auto deadline = Clock::now() + 30s;
    while (!matches(why) && Clock::now() < deadline) std::this_thread::sleep_for(100ms);
    EXPECT_TRUE(matches(why)) << step << ": " << why;
  };
  eventually("as seeded");
  const std::int64_t plateau_before = low_rows("&location_id=2");
  const std::int64_t centre_before = low_rows("&location_id=6");
  // Low by its own point: a product at Plateau (one above what it holds), another at the centre (exactly it).
  const auto [plateau_product, plateau_available] = not_low(2);
  const auto [centre_product, centre_available] = not_low(6);
  ASSERT_GT(plateau_product, 0);
  ASSERT_GT(centre_product, 0);
  set_point(2, plateau_product, plateau_available + 1);
  set_point(6, centre_product, centre_available);
  auto deadline = Clock::now() + 30s;
  while ((low_rows("&location_id=2") != plateau_before + 1 || low_rows("&location_id=6") != centre_before + 1) &&
         Clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(low_rows("&location_id=2"), plateau_before + 1);
  ASSERT_EQ(low_rows("&location_id=6"), centre_before + 1);
  eventually("after two reorder points were raised");
  // And no longer low once its point is under what it holds.
  set_point(2, plateau_product, 0);
  deadline = Clock::now() + 30s;
  while (low_rows("&location_id=2") != plateau_before && Clock::now() < deadline) std::this_thread::sleep_for(100ms);
  ASSERT_EQ(low_rows("&location_id=2"), plateau_before);
  eventually("after a reorder point was lowered");
}

TEST_F(ReportingPlatform, TaxesAreNetOfReturnsAndReconcileWithTheReceiptsToTheCent) {
  // Cash sales with rounding both ways, a card sale, partial and full returns (cash refunds rounded).
  auto cash_sale = [](std::int64_t store, std::int64_t product, std::int64_t quantity, const std::string& key) {
    HttpResult r = Post("/api/v1/sales",
                        R"({"location_id": )" + std::to_string(store) + R"(, "lines": [{"product_id": )" +
                            std::to_string(product) + R"(, "quantity": )" + std::to_string(quantity) +
                            R"(}], "payments": [{"method": "cash", "amount_cents": 100000}]})",
                        Cashier(store), key);
    EXPECT_EQ(r.status, 201) << r.body;
    return Json(r);
  };
  json::value chocolates = cash_sale(2, 10, 3, "taxes-chocolates");  // 17.21 $ → 17.20 $ in cash
  json::value honey = cash_sale(3, 12, 2, "taxes-honey");            // 36.77 $ → 36.75 $
  json::value tea = cash_sale(1, 11, 1, "taxes-tea");                // 10.34 $ → 10.35 $
  json::value card = Sell(4, 7, 1, 12999);
  auto give_back = [](const json::value& sale, std::int64_t product, std::int64_t quantity, const std::string& key) {
    HttpResult r = Post("/api/v1/sales/" + std::to_string(Int(sale, "id")) + "/returns",
                        R"({"lines": [{"product_id": )" + std::to_string(product) + R"(, "quantity": )" +
                            std::to_string(quantity) + R"(}], "reason": "taxes test"})",
                        Cashier(Int(sale, "location_id")), key);
    EXPECT_EQ(r.status, 201) << r.body;
  };
  give_back(chocolates, 10, 1, "taxes-chocolate-1");
  give_back(chocolates, 10, 1, "taxes-chocolate-2");
  give_back(honey, 12, 1, "taxes-honey-1");
  give_back(card, 7, 1, "taxes-coat");
  AwaitEverySaleAndReturn();
  const Money m = AllMoney();
  ASSERT_GE(m.return_count, 5);
  const std::string window = Window();

  // The remittance view: collected, refunded, net — whatever the period it is cut in.
  for (std::string period : {"day", "month", "quarter"}) {
    HttpResult r = Get("/api/v1/reports/taxes" + window + "&period=" + period, Manager());
    ASSERT_EQ(r.status, 200) << r.body;
    const json::value t = Json(r).at("totals");
    EXPECT_EQ(Int(t, "sales_cents"), m.sales) << period;
    EXPECT_EQ(Int(t, "gst_collected_cents"), m.gst) << period;
    EXPECT_EQ(Int(t, "qst_collected_cents"), m.qst) << period;
    EXPECT_EQ(Int(t, "refunded_sales_cents"), m.refunded) << period;
    EXPECT_EQ(Int(t, "gst_refunded_cents"), m.refunded_gst) << period;
    EXPECT_EQ(Int(t, "qst_refunded_cents"), m.refunded_qst) << period;
    EXPECT_EQ(Int(t, "gst_net_cents"), m.gst - m.refunded_gst) << period;
    EXPECT_EQ(Int(t, "qst_net_cents"), m.qst - m.refunded_qst) << period;
    EXPECT_EQ(Int(t, "cash_rounding_cents"), m.rounding - m.refund_rounding) << period;
    const json::value body = Json(r);
    if (period == "day") {
      EXPECT_EQ(body.at("rows").as_array().size(), 22u);
    }
    EXPECT_EQ(body.at("rows").as_array().front().at("from").as_string(), window.substr(6, 10));
  }
  // /reports/sales says the same: taxes net of the refunds, and the cash rounding.
  HttpResult sales = Get("/api/v1/reports/sales" + window + "&group_by=location", Manager());
  ASSERT_EQ(sales.status, 200) << sales.body;
  const json::value totals = Json(sales).at("totals");
  EXPECT_EQ(Int(totals, "gst_cents"), m.gst);
  EXPECT_EQ(Int(totals, "refunds_gst_cents"), m.refunded_gst);
  EXPECT_EQ(Int(totals, "net_gst_cents"), m.gst - m.refunded_gst);
  EXPECT_EQ(Int(totals, "net_qst_cents"), m.qst - m.refunded_qst);
  EXPECT_EQ(Int(totals, "net_subtotal_cents"), m.sales - m.refunded);
  EXPECT_EQ(Int(totals, "cash_rounding_cents"), m.rounding - m.refund_rounding);
  // The head office remits: a cashier does not read it; a bad period is named.
  EXPECT_EQ(Get("/api/v1/reports/taxes", Cashier(2)).status, 403);
  HttpResult bad = Get("/api/v1/reports/taxes?period=year", Manager());
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("period"), std::string::npos);
}

TEST_F(ReportingPlatform, RebuildingFromTheStreamGivesTheSameNumbers) {
  ExpectDashboardMatchesSales(60s);
  const std::string before = json::serialize(Json(Get("/api/v1/reports/sales?group_by=location", Manager())));
  EXPECT_EQ(platform_->Call("POST", "/api/v1/reports/rebuild", "", Manager()).status, 403);
  HttpResult r = platform_->Call("POST", "/api/v1/reports/rebuild", "", Admin());
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_TRUE(Json(r).at("complete_history").as_bool());
  std::string after;
  const auto deadline = Clock::now() + 60s;
  while (Clock::now() < deadline) {
    after = json::serialize(Json(Get("/api/v1/reports/sales?group_by=location", Manager())));
    if (after == before) break;
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(after, before);
  ExpectEachSaleOnce();
}

// Last: trims the stream.
TEST_F(ReportingPlatform, ARebuildRefusesWhenTheStreamNoLongerHoldsTheWholeHistory) {
  AwaitEverySaleAndReturn();
  const std::string report = json::serialize(Json(Get("/api/v1/reports/sales?group_by=location", Manager())));
  const std::string receipts = ReportingDb("SELECT count(*) FROM receipts");
  // What events.stream_max_len (or an operator) does: the oldest entries go.
  const std::string trim =
      "redis-cli -p " + std::to_string(redis_->port()) + " XTRIM " + stream_ + " MAXLEN 5 > /dev/null";
  ASSERT_EQ(std::system(trim.c_str()), 0);
  HttpResult refused = platform_->Call("POST", "/api/v1/reports/rebuild", "", Admin());
  ASSERT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(Json(refused).at("code").as_string(), "reporting.history_incomplete");
  // Nothing was emptied: the same numbers, the same receipts, a moment later too.
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(ReportingDb("SELECT count(*) FROM receipts"), receipts);
  EXPECT_EQ(json::serialize(Json(Get("/api/v1/reports/sales?group_by=location", Manager()))), report);
  // Knowingly: rebuilt from the five entries left, and said so.
  HttpResult forced = platform_->Call("POST", "/api/v1/reports/rebuild?allow_incomplete=true", "", Admin());
  ASSERT_EQ(forced.status, 202) << forced.body;
  EXPECT_FALSE(Json(forced).at("complete_history").as_bool());
  const auto deadline = Clock::now() + 30s;
  while (ReportingDb("SELECT count(*) FROM processed_events") != "5" && Clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(ReportingDb("SELECT count(*) FROM processed_events"), "5");
  EXPECT_EQ(platform_->Call("POST", "/api/v1/reports/rebuild?allow_incomplete=maybe", "", Admin()).status, 400);
}

}  // namespace
}  // namespace comptoir::reporting
