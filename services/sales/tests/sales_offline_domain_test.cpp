// Unit tests of the offline-sale rules (ADR 0090): splitting lines into covered and short stock, and
// the bounds of `occurred_at`. No I/O.
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "api/json.hpp"
#include "comptoir/error.hpp"
#include "domain/sales.hpp"

namespace comptoir::sales {
namespace {

SaleLine Line(std::int64_t product, std::int64_t quantity) {
  SaleLine l;
  l.product_id = product;
  l.quantity = quantity;
  return l;
}

TEST(OfflineSale, ShortLinesTakeWhatTheStoreHasAndRecordTheRest) {
  std::vector<SaleLine> lines{Line(5, 3), Line(9, 1), Line(10, 2)};
  MarkShortLines(lines, {{5, 1}, {9, 4}});  // 10 is not stocked here at all
  EXPECT_EQ(lines[0].short_quantity, 2);
  EXPECT_EQ(lines[1].short_quantity, 0);
  EXPECT_EQ(lines[2].short_quantity, 2);
  auto covered = CoveredLines(lines);
  ASSERT_EQ(covered.size(), 2u);
  EXPECT_EQ(covered[0].product_id, 5);
  EXPECT_EQ(covered[0].quantity, 1);
  EXPECT_EQ(covered[1].product_id, 9);
  EXPECT_EQ(covered[1].quantity, 1);
}

TEST(OfflineSale, NegativeAvailabilityCountsAsNone) {
  std::vector<SaleLine> lines{Line(5, 2)};
  MarkShortLines(lines, {{5, -3}});
  EXPECT_EQ(lines[0].short_quantity, 2);
  EXPECT_TRUE(CoveredLines(lines).empty());
}

TEST(OfflineSale, MarkingAgainReplacesThePreviousSplit) {
  std::vector<SaleLine> lines{Line(5, 4)};
  MarkShortLines(lines, {{5, 1}});
  MarkShortLines(lines, {{5, 4}});
  EXPECT_EQ(lines[0].short_quantity, 0);
  ASSERT_EQ(CoveredLines(lines).size(), 1u);
  EXPECT_EQ(CoveredLines(lines)[0].quantity, 4);
}

TEST(OfflineSale, OccurredAtMustBeRecentUtc) {
  const std::int64_t now = 1796400000;  // 2026-12-04T16:00:00Z
  EXPECT_EQ(OccurredAtProblem("2026-12-04T15:59:00Z", now), std::nullopt);
  EXPECT_EQ(OccurredAtProblem("2026-12-04T16:04:59.123Z", now), std::nullopt);
  EXPECT_EQ(OccurredAtProblem("2026-11-05T16:00:01Z", now), std::nullopt);
  EXPECT_TRUE(OccurredAtProblem("2026-12-04T16:06:00Z", now).has_value());
  EXPECT_TRUE(OccurredAtProblem("2026-11-04T15:59:59Z", now).has_value());
  EXPECT_TRUE(OccurredAtProblem("2026-12-04T15:59:00+01:00", now).has_value());
  EXPECT_TRUE(OccurredAtProblem("hier", now).has_value());
}

TEST(OfflineSale, BodyNeedsOccurredAtWhenOfflineAndRefusesItOtherwise) {
  const std::string lines =
      R"("lines": [{"product_id": 5, "quantity": 1}], "payments": [{"method": "cash", "amount_cents": 2500}])";
  try {
    ParseSaleBody(boost::json::parse(R"({"location_id": 4, "offline": true, )" + lines + "}"));
    FAIL() << "an offline sale without occurred_at was accepted";
  } catch (const ApiError& e) {
    ASSERT_EQ(e.fields().size(), 1u);
    EXPECT_EQ(e.fields()[0].field, "occurred_at");
  }
  try {
    ParseSaleBody(boost::json::parse(R"({"location_id": 4, "occurred_at": "2026-12-04T15:59:00Z", )" + lines + "}"));
    FAIL() << "occurred_at on an online sale was accepted";
  } catch (const ApiError& e) {
    ASSERT_EQ(e.fields().size(), 1u);
    EXPECT_EQ(e.fields()[0].field, "occurred_at");
  }
  auto online = ParseSaleBody(boost::json::parse(R"({"location_id": 4, )" + lines + "}"));
  EXPECT_FALSE(online.offline);
}

}  // namespace
}  // namespace comptoir::sales
