// Reporting's rules without I/O: periods, trend, average basket, CSV, dashboard totals, event data → facts,
// and that openapi.json documents every route.
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "api/handlers.hpp"
#include "comptoir/reporting/reporting.hpp"
#include "comptoir/testing/openapi.hpp"
#include "domain/report.hpp"

namespace comptoir::reporting {
namespace {

using namespace std::chrono;

sys_days Day(int y, unsigned m, unsigned d) {
  return sys_days(year_month_day{year(y), month(m), day(d)});
}

std::vector<std::string> FieldsOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const ApiError& e) {
    std::vector<std::string> out;
    for (const auto& field : e.fields()) out.push_back(field.field);
    return out;
  }
  return {"<no error>"};
}

TEST(Period, DefaultsToTheLastSevenDaysEndingToday) {
  Period p = ParsePeriod(std::nullopt, std::nullopt, Day(2026, 3, 10));
  EXPECT_EQ(FormatDate(p.from), "2026-03-04");
  EXPECT_EQ(FormatDate(p.to), "2026-03-10");
}

TEST(Period, FromAndToAreIncludedAndToAloneGivesSevenDays) {
  Period p = ParsePeriod(std::string("2026-02-27"), std::string("2026-03-01"), Day(2026, 3, 10));
  EXPECT_EQ(FormatDate(p.from), "2026-02-27");
  EXPECT_EQ(FormatDate(p.to), "2026-03-01");
  Period q = ParsePeriod(std::nullopt, std::string("2024-03-01"), Day(2026, 3, 10));
  EXPECT_EQ(FormatDate(q.from), "2024-02-24");  // leap year
}

TEST(Period, EveryBadFieldIsNamed) {
  EXPECT_EQ(FieldsOf([] { ParsePeriod(std::string("2026-02-30"), std::string("tomorrow"), Day(2026, 3, 10)); }),
            (std::vector<std::string>{"to", "from"}));
  EXPECT_EQ(FieldsOf([] { ParsePeriod(std::string("2026-03-02"), std::string("2026-03-01"), Day(2026, 3, 10)); }),
            std::vector<std::string>{"from"});
  EXPECT_EQ(FieldsOf([] { ParsePeriod(std::string("2024-01-01"), std::string("2026-01-01"), Day(2026, 3, 10)); }),
            std::vector<std::string>{"from"});
}

TEST(Period, ParsesOnlyRealDates) {
  EXPECT_TRUE(ParseDate("2026-12-31"));
  EXPECT_FALSE(ParseDate("2026-13-01"));
  EXPECT_FALSE(ParseDate("2026-1-01"));
  EXPECT_FALSE(ParseDate("2026-01-01T00:00:00Z"));
}

TEST(GroupBy, KnowsTheFiveGroupings) {
  for (auto name : {"location", "day", "product", "category", "channel"}) {
    auto g = ParseGroupBy(name);
    ASSERT_TRUE(g) << name;
    EXPECT_EQ(GroupByName(*g), name);
  }
  EXPECT_FALSE(ParseGroupBy("cashier"));
}

TEST(Trend, PercentWithOneDecimalRoundedHalfAwayFromZero) {
  EXPECT_EQ(TrendPct(110, 100), 10.0);
  EXPECT_EQ(TrendPct(90, 100), -10.0);
  EXPECT_EQ(TrendPct(1, 3), -66.7);
  EXPECT_EQ(TrendPct(2, 3), -33.3);
  EXPECT_EQ(TrendPct(10005, 10000), 0.1);  // 0.05 % rounds up
  EXPECT_EQ(TrendPct(9995, 10000), -0.1);  // and down, away from zero
  EXPECT_EQ(TrendPct(0, 100), -100.0);
  EXPECT_FALSE(TrendPct(100, 0));  // nothing to compare with
}

TEST(AverageBasket, RoundsHalfUpToTheCent) {
  EXPECT_EQ(AverageBasket(1000, 3), 333);
  EXPECT_EQ(AverageBasket(2000, 3), 667);
  EXPECT_EQ(AverageBasket(5, 2), 3);
  EXPECT_EQ(AverageBasket(1234, 0), 0);
}

TEST(Restock, PendingMeansNotYetReceivedNorRejected) {
  EXPECT_TRUE(IsPendingRestock("requested"));
  EXPECT_TRUE(IsPendingRestock("approved"));
  EXPECT_TRUE(IsPendingRestock("shipped"));
  EXPECT_FALSE(IsPendingRestock("received"));
  EXPECT_FALSE(IsPendingRestock("rejected"));
  EXPECT_TRUE(IsLowStock(5, 5));
  EXPECT_FALSE(IsLowStock(6, 5));
}

TEST(Csv, QuotesWhatNeedsQuotingAndDefusesFormulas) {
  Table t;
  t.columns = {"id", "name", "trend", "none", "low"};
  t.rows.push_back({std::int64_t{1}, std::string("Veste d'hiver, \"XL\""), 12.5, std::monostate{}, true});
  t.rows.push_back({std::int64_t{2}, std::string("=HYPERLINK()"), -3.0, std::monostate{}, false});
  EXPECT_EQ(ToCsv(t),
            "id,name,trend,none,low\r\n"
            "1,\"Veste d'hiver, \"\"XL\"\"\",12.5,,true\r\n"
            "2,\"'=HYPERLINK()\",-3.0,,false\r\n");
  boost::json::array rows = RowsJson(t);
  EXPECT_EQ(rows[0].at("id").as_int64(), 1);
  EXPECT_TRUE(rows[0].at("none").is_null());
  EXPECT_EQ(rows[1].at("low").as_bool(), false);
}

TEST(Csv, AskedByFormatOrAccept) {
  EXPECT_TRUE(WantsCsv(std::string("csv"), std::nullopt));
  EXPECT_FALSE(WantsCsv(std::string("json"), std::string_view("text/csv")));
  EXPECT_TRUE(WantsCsv(std::nullopt, std::string_view("text/csv, application/json;q=0.5")));
  EXPECT_FALSE(WantsCsv(std::nullopt, std::string_view("application/json")));
  EXPECT_EQ(FieldsOf([] { WantsCsv(std::string("xml"), std::nullopt); }), std::vector<std::string>{"format"});
}

DashboardInput Sample() {
  DashboardInput in;
  in.stores = {{1, "Vieux-Montréal"}, {2, "Plateau Mont-Royal"}};
  in.store_figures[1] = Figures{.revenue_today = 3000,
                                .revenue_7d = 11000,
                                .revenue_previous_7d = 10000,
                                .transactions_today = 2,
                                .gross_today = 3500};
  Figures online{.revenue_today = 1000,
                 .revenue_7d = 1000,
                 .revenue_previous_7d = 0,
                 .transactions_today = 1,
                 .gross_today = 1000,
                 .open_orders = 4};
  in.online = online;
  in.low_stock = {{1, 2}, {6, 3}};
  in.pending_restock = {{2, 1}};
  in.business_day = "2026-03-10";
  in.time_zone = "America/Toronto";
  in.as_of = "2026-03-10T15:00:00.000Z";
  return in;
}

TEST(Dashboard, PerStoreFiguresOnlineAndChainTotals) {
  boost::json::object d = BuildDashboard(Sample(), true);
  const auto& stores = d.at("stores").as_array();
  ASSERT_EQ(stores.size(), 2u);
  const auto& s1 = stores[0].as_object();
  EXPECT_EQ(s1.at("location_id").as_int64(), 1);
  EXPECT_EQ(s1.at("name").as_string(), "Vieux-Montréal");
  EXPECT_EQ(s1.at("revenue_today_cents").as_int64(), 3000);
  EXPECT_EQ(s1.at("revenue_7d_cents").as_int64(), 11000);
  EXPECT_EQ(s1.at("trend_pct").as_double(), 10.0);
  EXPECT_EQ(s1.at("transactions_today").as_int64(), 2);
  EXPECT_EQ(s1.at("average_basket_cents").as_int64(), 1750);  // receipts before refunds / transactions
  EXPECT_EQ(s1.at("low_stock_count").as_int64(), 2);
  EXPECT_EQ(s1.at("pending_restock_requests").as_int64(), 0);
  const auto& s2 = stores[1].as_object();  // no sale: zeros, no trend
  EXPECT_EQ(s2.at("revenue_today_cents").as_int64(), 0);
  EXPECT_TRUE(s2.at("trend_pct").is_null());
  EXPECT_EQ(s2.at("pending_restock_requests").as_int64(), 1);
  const auto& online = d.at("online").as_object();
  EXPECT_EQ(online.at("orders_today").as_int64(), 1);
  EXPECT_EQ(online.at("open_orders").as_int64(), 4);
  const auto& totals = d.at("totals").as_object();
  EXPECT_EQ(totals.at("revenue_today_cents").as_int64(), 4000);
  EXPECT_EQ(totals.at("revenue_7d_cents").as_int64(), 12000);
  EXPECT_EQ(totals.at("trend_pct").as_double(), 20.0);
  EXPECT_EQ(totals.at("transactions_today").as_int64(), 3);
  EXPECT_EQ(totals.at("average_basket_cents").as_int64(), 1500);
  EXPECT_EQ(totals.at("low_stock_count").as_int64(), 5);  // the logistics centre's alerts count for the chain
  EXPECT_EQ(totals.at("pending_restock_requests").as_int64(), 1);
  EXPECT_EQ(d.at("as_of").as_string(), "2026-03-10T15:00:00.000Z");
}

TEST(Dashboard, ACashiersViewHasTheirStoreOnly) {
  DashboardInput in = Sample();
  in.stores = {{1, "Vieux-Montréal"}};
  in.online.reset();
  boost::json::object d = BuildDashboard(in, false);
  EXPECT_EQ(d.at("stores").as_array().size(), 1u);
  EXPECT_TRUE(d.at("online").is_null());
  EXPECT_EQ(d.at("totals").at("revenue_today_cents").as_int64(), 3000);
  EXPECT_EQ(d.at("totals").at("low_stock_count").as_int64(), 2);
}

TEST(Facts, SaleCompletedAsSalesWritesIt) {
  boost::json::value data = boost::json::parse(R"({"id":42,"receipt_number":"VMTL-000042","location_id":1,
    "cashier_id":"1","lines":[{"product_id":5,"sku":"VETE-0001","name":"T-shirt","unit_price_cents":1999,
    "quantity":2,"line_total_cents":3998,"returned_quantity":0}],"subtotal_cents":3998,"gst_cents":200,
    "qst_cents":399,"total_cents":4597,"created_at":"2026-03-10T14:00:00Z","channel":"store"})");
  Fact f = SaleFact(data);
  EXPECT_EQ(f.ref, "42");
  EXPECT_EQ(f.location_id, 1);
  EXPECT_EQ(f.receipt_number, "VMTL-000042");
  EXPECT_EQ(f.total_cents, 4597);
  EXPECT_EQ(f.subtotal_cents, 3998);
  EXPECT_EQ(f.occurred_at, "2026-03-10T14:00:00Z");
  boost::json::value lines = boost::json::parse(f.lines_json);
  EXPECT_EQ(lines.at(0).at("product_id").as_int64(), 5);
  EXPECT_EQ(lines.at(0).at("line_total_cents").as_int64(), 3998);
}

// ADR 0140: the Mile End sale of issue 15 — what paid no tax is kept for the remittance view.
TEST(Facts, UntaxedAmountsOfASaleWithBasicGroceries) {
  boost::json::value data = boost::json::parse(R"({"id":43,"receipt_number":"S4-000043","location_id":4,
    "lines":[{"product_id":9,"name":"Café","quantity":1,"line_total_cents":1299}],"subtotal_cents":5596,
    "taxable_cents":4297,"zero_rated_cents":1299,"exempt_cents":0,"gst_cents":215,"qst_cents":429,
    "total_cents":6240,"created_at":"2026-12-06T14:00:00Z"})");
  Fact f = SaleFact(data);
  EXPECT_EQ(f.zero_rated_cents, 1299);
  EXPECT_EQ(f.exempt_cents, 0);
  EXPECT_EQ(f.gst_cents, 215);
  // Events from before tax classes: everything was taxed.
  EXPECT_EQ(SaleFact(boost::json::parse(R"({"id":1,"location_id":1,"lines":[],"total_cents":0,
    "created_at":"2026-01-01T00:00:00Z"})")).zero_rated_cents, 0);
}

TEST(Facts, MissingFieldsAreNamed) {
  boost::json::value data = boost::json::parse(R"({"id":1,"lines":[{"product_id":"x","quantity":1}]})");
  EXPECT_EQ(FieldsOf([&] { SaleFact(data); }),
            (std::vector<std::string>{"location_id", "created_at", "total_cents", "lines[0].product_id",
                                      "lines[0].line_total_cents"}));
}

TEST(Facts, ReturnsAndOrders) {
  Fact r = ReturnFact(boost::json::parse(R"({"id":7,"sale_id":42,"location_id":1,"reason":"defect",
    "lines":[{"product_id":5,"name":"T-shirt","quantity":1,"line_total_cents":1999}],"subtotal_cents":1999,
    "gst_cents":100,"qst_cents":199,"total_cents":2298,"created_at":"2026-03-10T15:00:00Z"})"));
  EXPECT_EQ(r.ref, "7");
  EXPECT_EQ(r.receipt_ref, "42");
  EXPECT_EQ(r.total_cents, 2298);
  EXPECT_EQ(r.reason, "defect");
  // An order without its own timestamp takes the envelope's; unit prices give line totals.
  Fact o = OrderFact(boost::json::parse(R"({"order_id":"ord-1","total_cents":2298,"subtotal_cents":1999,
    "lines":[{"product_id":5,"quantity":1,"unit_price_cents":1999}]})"),
                     "2026-03-10T16:00:00Z");
  EXPECT_EQ(o.ref, "ord-1");
  EXPECT_EQ(o.occurred_at, "2026-03-10T16:00:00Z");
  EXPECT_EQ(o.status, "paid");
  EXPECT_FALSE(o.location_id);
  EXPECT_EQ(boost::json::parse(o.lines_json).at(0).at("line_total_cents").as_int64(), 1999);
  EXPECT_EQ(OrderRef(boost::json::parse(R"({"id":12})")), "12");
}

TEST(Facts, CashRoundingOfSalesAndOfCashRefunds) {
  Fact sale = SaleFact(boost::json::parse(R"({"id":3,"location_id":5,"lines":[],"subtotal_cents":1497,
    "gst_cents":75,"qst_cents":149,"total_cents":1721,"cash_rounding_cents":-1,"created_at":"2026-03-10T14:00:00Z"})"));
  EXPECT_EQ(sale.cash_rounding_cents, -1);
  Fact back = ReturnFact(boost::json::parse(R"({"id":9,"sale_id":3,"location_id":5,"lines":[],"subtotal_cents":499,
    "gst_cents":25,"qst_cents":50,"total_cents":574,"cash_rounding_cents":1,"created_at":"2026-03-10T15:00:00Z"})"));
  EXPECT_EQ(back.cash_rounding_cents, 1);
  // Events written before the field existed count as no rounding.
  Fact old = ReturnFact(boost::json::parse(R"({"id":10,"sale_id":3,"location_id":5,"lines":[],"total_cents":574,
    "created_at":"2026-03-10T15:00:00Z"})"));
  EXPECT_EQ(old.cash_rounding_cents, 0);
}

TEST(TaxPeriod, DayMonthQuarter) {
  EXPECT_EQ(ParseTaxPeriod("quarter"), TaxPeriod::kQuarter);
  EXPECT_EQ(TaxPeriodName(*ParseTaxPeriod("month")), "month");
  EXPECT_FALSE(ParseTaxPeriod("year"));
}

TEST(StreamHistory, ARebuildNeedsTheStreamToStartAtTheFirstEventAppliedAndToHaveLostNothing) {
  const StreamPos first{1700000000000, 0};
  StreamHistory whole{true, 10, 10, first};
  EXPECT_FALSE(MissingHistory(whole, first));
  EXPECT_FALSE(MissingHistory(whole, StreamPos{1700000000500, 3}));  // applied from later on: fine
  EXPECT_FALSE(MissingHistory(whole, std::nullopt));
  StreamHistory trimmed{true, 5, 10, StreamPos{1700000000900, 0}};
  ASSERT_TRUE(MissingHistory(trimmed, first));
  EXPECT_NE(MissingHistory(trimmed, first)->find("1700000000900-0"), std::string::npos);
  EXPECT_TRUE(MissingHistory(trimmed, std::nullopt));  // trimmed before reporting applied anything: still lost
  // A stream deleted and started again: nothing was trimmed from the new one, but it starts after the old.
  StreamHistory replaced{true, 2, 2, StreamPos{1800000000000, 0}};
  EXPECT_TRUE(MissingHistory(replaced, first));
  StreamHistory gone{false, 0, -1, std::nullopt};
  EXPECT_TRUE(MissingHistory(gone, first));
  EXPECT_FALSE(MissingHistory(gone, std::nullopt));  // nothing applied, nothing to lose
  StreamHistory old_redis{true, 10, -1, first};      // no entries-added before Redis 7
  EXPECT_FALSE(MissingHistory(old_redis, first));
}

TEST(OpenApi, DocumentsEveryRouteAndNothingElse) {
  EXPECT_EQ(testing::OpenApiProblems(Definition().openapi, testing::ServedRoutes(Routes())),
            std::vector<std::string>{});
}

}  // namespace
}  // namespace comptoir::reporting
