// Unit tests of the stock rules, query and body parsing, JSON mapping and OpenAPI coverage. No I/O.
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "api/handlers.hpp"
#include "api/json.hpp"
#include "comptoir/error.hpp"
#include "comptoir/inventory/inventory.hpp"
#include "comptoir/testing/openapi.hpp"
#include "domain/adjustments.hpp"
#include "domain/stock.hpp"

namespace comptoir::inventory {
namespace {

template <class F>
ApiError Catch(F&& f) {
  try {
    f();
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an ApiError";
  return ApiError::Internal("none", "none");
}

std::set<std::string> FieldsOf(const ApiError& error) {
  std::set<std::string> fields;
  for (const auto& f : error.fields()) fields.insert(f.field);
  return fields;
}

auth::Principal Who(auth::Role role, std::optional<std::int64_t> location = std::nullopt) {
  auth::Principal p;
  p.subject = "1";
  p.role = role;
  p.location_id = location;
  return p;
}

TEST(Reason, NamesRoundTrip) {
  for (Reason r : {Reason::kSale, Reason::kReturn, Reason::kAdjustment, Reason::kTransferOut, Reason::kTransferIn,
                   Reason::kOrder, Reason::kReversal}) {
    EXPECT_EQ(ParseReason(ReasonName(r)), r);
  }
  EXPECT_FALSE(ParseReason("theft"));
  EXPECT_TRUE(IsClientReason(Reason::kSale));
  EXPECT_FALSE(IsClientReason(Reason::kTransferIn));
  EXPECT_FALSE(IsClientReason(Reason::kReversal));
}

TEST(Reason, SignOfLines) {
  EXPECT_FALSE(LineProblem(Reason::kSale, -2));
  EXPECT_TRUE(LineProblem(Reason::kSale, 2));
  EXPECT_TRUE(LineProblem(Reason::kSale, 0));
  EXPECT_FALSE(LineProblem(Reason::kReturn, 1));
  EXPECT_TRUE(LineProblem(Reason::kReturn, -1));
  EXPECT_FALSE(LineProblem(Reason::kAdjustment, -5));
  EXPECT_FALSE(LineProblem(Reason::kAdjustment, 5));
  EXPECT_TRUE(LineProblem(Reason::kAdjustment, 0));
  EXPECT_TRUE(LineProblem(Reason::kAdjustment, kMaxQuantity + 1));
}

TEST(Lines, SortedByProductAndOpposite) {
  auto sorted = SortedByProduct({{9, -1}, {3, -2}, {5, 4}});
  ASSERT_EQ(sorted.size(), 3u);
  EXPECT_EQ(sorted[0].product_id, 3);
  EXPECT_EQ(sorted[1].product_id, 5);
  EXPECT_EQ(sorted[2].product_id, 9);
  auto opposite = Opposite(sorted);
  EXPECT_EQ(opposite[0].quantity, 2);
  EXPECT_EQ(opposite[1].quantity, -4);
}

TEST(Stock, AvailableAndLow) {
  StockLevel s{1, 3, 10, 4, 6};
  EXPECT_EQ(s.available(), 6);
  EXPECT_TRUE(s.low());
  s.reorder_point = 5;
  EXPECT_FALSE(s.low());
}

TEST(Stock, WhatThePublicSees) {
  PublicStockRules rules;  // low up to 5, the centre's available up to 999
  EXPECT_EQ(AvailabilityName(AvailabilityOf(0, rules)), "out_of_stock");
  EXPECT_EQ(AvailabilityName(AvailabilityOf(-2, rules)), "out_of_stock");
  EXPECT_EQ(AvailabilityName(AvailabilityOf(1, rules)), "low_stock");
  EXPECT_EQ(AvailabilityName(AvailabilityOf(5, rules)), "low_stock");
  EXPECT_EQ(AvailabilityName(AvailabilityOf(6, rules)), "in_stock");
  EXPECT_EQ(PublicAvailable(42, rules), 42);
  EXPECT_EQ(PublicAvailable(5000, rules), 999);
  EXPECT_EQ(PublicAvailable(-1, rules), 0);
  rules.low_threshold = 0;
  EXPECT_EQ(AvailabilityName(AvailabilityOf(1, rules)), "in_stock");
}

TEST(Stock, InsufficientStockNamesEveryProduct) {
  ApiError e = InsufficientStock(4, {{3, 2, 1}, {5, 7, 0}});
  EXPECT_EQ(e.status(), 409);
  EXPECT_EQ(e.code(), "inventory.insufficient_stock");
  EXPECT_NE(e.detail().find("product 3"), std::string::npos);
  EXPECT_NE(e.detail().find("product 5"), std::string::npos);
  EXPECT_EQ(FieldsOf(e), (std::set<std::string>{"product_id:3", "product_id:5"}));
}

TEST(Restock, LifeCycle) {
  EXPECT_NO_THROW(CheckTransition(1, RestockStatus::kRequested, RestockStatus::kApproved));
  EXPECT_NO_THROW(CheckTransition(1, RestockStatus::kRequested, RestockStatus::kRejected));
  EXPECT_NO_THROW(CheckTransition(1, RestockStatus::kApproved, RestockStatus::kShipped));
  EXPECT_NO_THROW(CheckTransition(1, RestockStatus::kShipped, RestockStatus::kReceived));
  for (auto [from, to] :
       std::vector<std::pair<RestockStatus, RestockStatus>>{{RestockStatus::kShipped, RestockStatus::kShipped},
                                                            {RestockStatus::kApproved, RestockStatus::kReceived},
                                                            {RestockStatus::kRequested, RestockStatus::kShipped},
                                                            {RestockStatus::kRejected, RestockStatus::kApproved},
                                                            {RestockStatus::kReceived, RestockStatus::kReceived},
                                                            {RestockStatus::kApproved, RestockStatus::kRejected},
                                                            {RestockStatus::kRequested, RestockStatus::kRequested}}) {
    ApiError e = Catch([&] { CheckTransition(7, from, to); });
    EXPECT_EQ(e.code(), "inventory.illegal_transition") << RestockStatusName(from) << "->" << RestockStatusName(to);
    EXPECT_EQ(e.status(), 409);
  }
  for (auto s : {RestockStatus::kRequested, RestockStatus::kApproved, RestockStatus::kRejected, RestockStatus::kShipped,
                 RestockStatus::kReceived}) {
    EXPECT_EQ(ParseRestockStatus(RestockStatusName(s)), s);
  }
}

TEST(Restock, ApprovedQuantities) {
  std::vector<RestockLine> requested{{3, 10, std::nullopt}, {5, 4, std::nullopt}};
  auto q = ApprovedQuantities(requested, {{3, 8}});
  EXPECT_EQ(q, (std::vector<std::int64_t>{8, 0}));
  q = ApprovedQuantities(requested, {{5, 4}, {3, 0}});
  EXPECT_EQ(q, (std::vector<std::int64_t>{0, 4}));
  EXPECT_EQ(Catch([&] { ApprovedQuantities(requested, {{3, 11}}); }).code(), "inventory.approval_exceeds_request");
  ApiError unknown = Catch([&] { ApprovedQuantities(requested, {{9, 1}}); });
  EXPECT_EQ(unknown.code(), "inventory.unknown_request_line");
  EXPECT_EQ(unknown.status(), 422);
}

TEST(Queries, StockQuery) {
  StockQuery q = ParseStockQuery({{"location_id", "4"}, {"product_id", "3"}, {"low_stock", "true"}, {"per_page", "5"}});
  EXPECT_EQ(q.location_id, 4);
  EXPECT_EQ(q.product_id, 3);
  EXPECT_TRUE(q.low_stock);
  EXPECT_EQ(q.page.per_page, 5);
  ApiError e = Catch([] { ParseStockQuery({{"location_id", "x"}, {"low_stock", "yes"}, {"per_page", "101"}}); });
  EXPECT_EQ(e.code(), "inventory.invalid_query");
  EXPECT_EQ(FieldsOf(e), (std::set<std::string>{"location_id", "low_stock", "per_page"}));
}

TEST(Queries, MovementAndRestockQueries) {
  MovementQuery m = ParseMovementQuery({{"reason", "sale"}, {"reference", "sale:1"}});
  EXPECT_EQ(m.reason, "sale");
  EXPECT_EQ(m.reference, "sale:1");
  EXPECT_EQ(FieldsOf(Catch([] {
              ParseMovementQuery({{"reason", "theft"}, {"product_id", "0"}});
            })),
            (std::set<std::string>{"reason", "product_id"}));
  RestockQuery r = ParseRestockQuery({{"status", "approved"}, {"location_id", "2"}});
  EXPECT_EQ(r.status, RestockStatus::kApproved);
  EXPECT_EQ(r.location_id, 2);
  EXPECT_EQ(FieldsOf(Catch([] { ParseRestockQuery({{"status", "lost"}}); })), (std::set<std::string>{"status"}));
}

TEST(Ids, ParseId) {
  EXPECT_EQ(ParseId("12"), 12);
  EXPECT_FALSE(ParseId("0"));
  EXPECT_FALSE(ParseId("-1"));
  EXPECT_FALSE(ParseId("1a"));
  EXPECT_FALSE(ParseId(""));
  EXPECT_FALSE(ParseId("99999999999999999999"));
}

TEST(Seed, DemoQuantities) {
  for (std::int64_t p = 1; p <= 18; ++p) {
    EXPECT_EQ(DemoQuantity(6, p), 100);
    EXPECT_EQ(DemoQuantity(7, p), 0);
    for (std::int64_t l = 1; l <= 5; ++l) {
      EXPECT_GE(DemoQuantity(l, p), 10);
      EXPECT_LE(DemoQuantity(l, p), 40);
    }
  }
  EXPECT_GE(DemoQuantity(4, 3), 5);  // AirPods Pro at every store
}

TEST(Bodies, MovementBody) {
  MovementRequest r = ParseMovementBody(boost::json::parse(
      R"({"location_id":4,"reason":"sale","reference":"sale:1","lines":[{"product_id":5,"quantity":-2}]})"));
  EXPECT_EQ(r.location_id, 4);
  EXPECT_EQ(r.reason, Reason::kSale);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0].quantity, -2);
  ApiError e = Catch([] {
    ParseMovementBody(boost::json::parse(
        R"({"location_id":0,"reason":"sale","lines":[{"product_id":5,"quantity":2},{"product_id":5,"quantity":-1},{"quantity":-1}],"extra":1})"));
  });
  EXPECT_EQ(e.status(), 400);
  EXPECT_EQ(e.code(), "inventory.invalid");
  EXPECT_EQ(FieldsOf(e), (std::set<std::string>{"location_id", "lines[0].quantity", "lines[1].product_id",
                                                "lines[2].product_id", "extra"}));
  EXPECT_EQ(FieldsOf(Catch([] { ParseMovementBody(boost::json::parse(R"({"reason":"transfer_in","lines":[]})")); })),
            (std::set<std::string>{"location_id", "reason", "lines"}));
}

TEST(Bodies, OtherBodies) {
  auto reservation = ParseReservationBody(
      boost::json::parse(R"({"location_id":6,"reference":"order:1","lines":[{"product_id":1,"quantity":2}]})"));
  EXPECT_EQ(reservation.lines[0].quantity, 2);
  EXPECT_EQ(FieldsOf(Catch([] {
              ParseReservationBody(boost::json::parse(R"({"location_id":6,"lines":[{"product_id":1,"quantity":0}]})"));
            })),
            (std::set<std::string>{"reference", "lines[0].quantity"}));
  auto approval = ParseApprovalBody(boost::json::parse(R"({"lines":[{"product_id":3,"quantity":0}]})"));
  EXPECT_EQ(approval[0].quantity, 0);
  EXPECT_EQ(ParseRejectBody(boost::json::parse(R"({"reason":"pas de stock"})")), "pas de stock");
  EXPECT_EQ(Catch([] { ParseRejectBody(boost::json::parse(R"({"reason":""})")); }).code(), "inventory.invalid");
  auto restock = ParseRestockBody(boost::json::parse(R"({"location_id":4,"lines":[{"product_id":3,"quantity":10}]})"));
  EXPECT_EQ(restock.location_id, 4);
  auto reorder = ParseReorderBody(boost::json::parse(R"({"location_id":4,"product_id":3,"reorder_point":7})"));
  EXPECT_EQ(reorder.reorder_point, 7);
}

TEST(Json, StockAndGroup) {
  auto stock = ToJson(StockLevel{4, 3, 10, 2, 5});
  EXPECT_EQ(stock.at("available").as_int64(), 8);
  MovementGroup g;
  g.key = "k";
  g.location_id = 4;
  g.reason = "sale";
  g.reference = "sale:1";
  Movement m;
  m.id = 1;
  m.actor = {"sales", "service", "cashier:4"};
  g.movements.push_back(m);
  auto json = ToJson(g);
  EXPECT_EQ(json.at("reversed").as_bool(), false);
  EXPECT_EQ(json.at("movements").as_array().size(), 1u);
  EXPECT_EQ(json.at("movements").as_array()[0].at("actor").at("role").as_string(), "service");
  EXPECT_EQ(json.at("movements").as_array()[0].at("actor").at("on_behalf_of").as_string(), "cashier:4");
  EXPECT_TRUE(json.at("movements").as_array()[0].at("adjustment_reason").is_null());
}

auth::Principal Service(std::string name, std::vector<std::string> scopes) {
  auth::Principal p;
  p.role = auth::Role::kService;
  p.subject = std::move(name);
  p.scopes = std::move(scopes);
  return p;
}

TEST(Authorization, Movements) {
  using auth::Role;
  const auto sales = Service("sales", {"movements:sale"});
  const auto order = Service("order", {"reservations:centre", "movements:order_return"});
  // Sales and returns only through the sales service; no person posts them (issue 12 §4).
  EXPECT_NO_THROW(AuthorizeMovement(sales, "sale", 4));
  EXPECT_NO_THROW(AuthorizeMovement(sales, "return", 2));
  for (const auto& person : {Who(Role::kCashier, 4), Who(Role::kManager), Who(Role::kAdmin), Who(Role::kCustomer)}) {
    EXPECT_EQ(Catch([&] { AuthorizeMovement(person, "sale", 4); }).code(), "auth.forbidden");
    EXPECT_EQ(Catch([&] { AuthorizeMovement(person, "return", 4); }).code(), "auth.forbidden");
  }
  EXPECT_EQ(Catch([&] { AuthorizeMovement(order, "sale", 4); }).code(), "auth.forbidden");
  EXPECT_EQ(Catch([] { AuthorizeMovement(Service("sales", {}), "sale", 4); }).code(), "auth.insufficient_scope");
  EXPECT_EQ(Catch([] { AuthorizeMovement(Who(Role::kCashier, 4), "adjustment", 4); }).status(), 403);
  EXPECT_EQ(Catch([&] { AuthorizeMovement(sales, "adjustment", 4); }).status(), 403);
  EXPECT_NO_THROW(AuthorizeMovement(Who(Role::kLogistics, 6), "adjustment", 2));
  EXPECT_NO_THROW(AuthorizeMovement(Who(Role::kManager), "adjustment", 2));
  EXPECT_NO_THROW(AuthorizeMovement(order, "order_return", 6));
  EXPECT_EQ(Catch([&] { AuthorizeMovement(order, "order_return", 2); }).code(), "inventory.not_the_centre");
  EXPECT_EQ(Catch([&] { AuthorizeMovement(sales, "order_return", 6); }).code(), "auth.forbidden");
  EXPECT_EQ(Catch([] { AuthorizeMovement(Who(Role::kLogistics, 6), "order_return", 6); }).code(), "auth.forbidden");
}

TEST(Authorization, Reservations) {
  using auth::Role;
  EXPECT_NO_THROW(AuthorizeReservation(Service("order", {"reservations:centre"}), 6));
  EXPECT_EQ(Catch([] { AuthorizeReservation(Who(Role::kCustomer), 6); }).code(), "auth.forbidden");
  EXPECT_EQ(Catch([] { AuthorizeReservation(Who(Role::kLogistics, 6), 6); }).code(), "auth.forbidden");
  EXPECT_EQ(Catch([] { AuthorizeReservation(Service("order", {"movements:order_return"}), 6); }).code(),
            "auth.insufficient_scope");
  EXPECT_EQ(Catch([] { AuthorizeReservation(Who(Role::kCustomer), 4); }).status(), 403);
  EXPECT_NO_THROW(AuthorizeReservation(Who(Role::kCashier, 4), 4));
}

TEST(Bodies, AdjustmentsSayWhy) {
  MovementRequest r = ParseMovementBody(boost::json::parse(
      R"({"location_id":4,"reason":"adjustment","adjustment_reason":"damaged","note":"écrasé","lines":[{"product_id":5,"quantity":-1}]})"));
  EXPECT_EQ(r.adjustment_reason, "damaged");
  EXPECT_EQ(r.note, "écrasé");
  EXPECT_EQ(FieldsOf(Catch([] {
              ParseMovementBody(boost::json::parse(
                  R"({"location_id":4,"reason":"adjustment","lines":[{"product_id":5,"quantity":-1}]})"));
            })),
            (std::set<std::string>{"adjustment_reason", "note"}));
  EXPECT_EQ(
      FieldsOf(Catch([] {
        ParseMovementBody(boost::json::parse(
            R"({"location_id":4,"reason":"adjustment","adjustment_reason":"initial_stock","note":"x","lines":[{"product_id":5,"quantity":1}]})"));
      })),
      (std::set<std::string>{"adjustment_reason"}));  // the seed's code is not for clients
  EXPECT_EQ(
      FieldsOf(Catch([] {
        ParseMovementBody(boost::json::parse(
            R"({"location_id":4,"reason":"return","adjustment_reason":"found","lines":[{"product_id":5,"quantity":1}]})"));
      })),
      (std::set<std::string>{"adjustment_reason"}));
  MovementRequest back = ParseMovementBody(
      boost::json::parse(R"({"location_id":6,"reason":"order_return","lines":[{"product_id":5,"quantity":2}]})"));
  EXPECT_EQ(back.reason, Reason::kOrderReturn);
  EXPECT_EQ(FieldsOf(Catch([] {
              ParseMovementBody(boost::json::parse(
                  R"({"location_id":6,"reason":"order_return","lines":[{"product_id":5,"quantity":-2}]})"));
            })),
            (std::set<std::string>{"lines[0].quantity"}));
}

TEST(Adjustments, QueryDefaultsAndLimits) {
  AdjustmentQuery q = ParseAdjustmentQuery({}, "2026-03-02");
  EXPECT_EQ(q.from, "2026-02-24");  // 7 days ending today, across the end of February
  EXPECT_EQ(q.to, "2026-03-02");
  q = ParseAdjustmentQuery({{"from", "2026-01-01"}, {"location_id", "3"}, {"adjustment_reason", "theft_or_loss"}},
                           "2026-01-15");
  EXPECT_EQ(q.from, "2026-01-01");
  EXPECT_EQ(q.to, "2026-01-15");
  EXPECT_EQ(q.location_id, 3);
  EXPECT_EQ(q.adjustment_reason, "theft_or_loss");
  EXPECT_EQ(ParseAdjustmentQuery({{"to", "2024-03-01"}}, "2026-01-15").from, "2024-02-24");  // leap year
  EXPECT_EQ(FieldsOf(Catch([] {
              ParseAdjustmentQuery({{"from", "2026-02-30"}, {"location_id", "0"}, {"adjustment_reason", "sale"}},
                                   "2026-03-01");
            })),
            (std::set<std::string>{"from", "location_id", "adjustment_reason"}));
  EXPECT_EQ(FieldsOf(Catch([] {
              ParseAdjustmentQuery({{"from", "2026-03-02"}, {"to", "2026-03-01"}}, "x");
            })),
            (std::set<std::string>{"from"}));
  EXPECT_EQ(FieldsOf(Catch([] {
              ParseAdjustmentQuery({{"from", "2025-01-01"}, {"to", "2026-01-02"}}, "x");
            })),
            (std::set<std::string>{"to"}));
  EXPECT_NO_THROW(ParseAdjustmentQuery({{"from", "2025-01-01"}, {"to", "2026-01-01"}}, "x"));  // 366 days
}

TEST(Adjustments, SummaryByReasonLocationAndOverall) {
  std::vector<AdjustmentTotals> rows = {
      {3, "damaged", 2, 1, 1, 3}, {3, "found", 1, 0, 4, 0}, {5, "damaged", 1, 0, 0, 6}};
  AdjustmentSummary s = Summarize(rows);
  ASSERT_EQ(s.by_reason.size(), 2u);
  EXPECT_EQ(s.by_reason[0].adjustment_reason, "damaged");
  EXPECT_EQ(s.by_reason[0].lines, 3);
  EXPECT_EQ(s.by_reason[0].net_units(), -8);
  EXPECT_FALSE(s.by_reason[0].location_id.has_value());
  ASSERT_EQ(s.by_location.size(), 2u);
  EXPECT_EQ(s.by_location[0].location_id, 3);
  EXPECT_EQ(s.by_location[0].net_units(), 2);
  EXPECT_EQ(s.totals.lines, 4);
  EXPECT_EQ(s.totals.reversals, 1);
  EXPECT_EQ(s.totals.net_units(), -4);
  auto json = ToJson(s, AdjustmentQuery{"2026-01-01", "2026-01-07"}, "America/Toronto");
  EXPECT_EQ(json.at("data").as_array().size(), 3u);
  EXPECT_EQ(json.at("totals").at("net_units").as_int64(), -4);
  EXPECT_FALSE(json.at("totals").as_object().contains("location_id"));
}

TEST(OpenApi, DocumentsEveryRouteAndNothingElse) {
  EXPECT_EQ(testing::OpenApiProblems(Definition().openapi, testing::ServedRoutes(Routes())),
            std::vector<std::string>{});
}

}  // namespace
}  // namespace comptoir::inventory
