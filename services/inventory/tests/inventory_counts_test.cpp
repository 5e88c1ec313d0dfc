// Unit tests of the count and transfer rules (ADRs 0171, 0172): variance, adjustments, bodies. No I/O.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "api/json.hpp"
#include "comptoir/error.hpp"
#include "domain/transfers.hpp"

namespace comptoir::inventory {
namespace {

CountLine Counted(std::int64_t product, std::int64_t expected, std::int64_t counted,
                  std::optional<std::int64_t> price) {
  CountLine l;
  l.product_id = product;
  l.on_hand_at_open = expected + 5;  // sales happened since the sheet was opened: not what is compared
  l.expected = expected;
  l.counted = counted;
  l.unit_price_cents = price;
  return l;
}

TEST(Variance, ComparesCountedWithExpectedAndValuesIt) {
  CountSheet sheet;
  sheet.lines = {Counted(12, 10, 11, 1599), Counted(9, 20, 18, 1299), Counted(3, 4, 4, 25999)};
  CountLine pending;
  pending.product_id = 7;
  sheet.lines.push_back(pending);
  VarianceReport r = VarianceOf(sheet);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[1].variance, -2);
  EXPECT_EQ(r.rows[1].value_cents, -2598);
  EXPECT_EQ(r.units_over, 1);
  EXPECT_EQ(r.units_short, 2);
  EXPECT_EQ(r.net_units, -1);
  EXPECT_EQ(r.value_over_cents, 1599);
  EXPECT_EQ(r.value_short_cents, 2598);
  EXPECT_EQ(r.net_value_cents, -999);
  EXPECT_EQ(r.not_counted, std::vector<std::int64_t>{7});
}

TEST(Variance, WithoutAPriceTheUnitsStillCount) {
  CountSheet sheet;
  sheet.lines = {Counted(5, 3, 1, std::nullopt)};
  VarianceReport r = VarianceOf(sheet);
  EXPECT_EQ(r.units_short, 2);
  EXPECT_FALSE(r.rows[0].value_cents);
  EXPECT_EQ(r.net_value_cents, 0);
}

TEST(CountAdjustments, OnlyDifferencesInProductOrder) {
  CountSheet sheet;
  sheet.lines = {Counted(12, 10, 11, 1), Counted(9, 20, 18, 1), Counted(3, 4, 4, 1)};
  std::vector<Line> lines = CountAdjustments(sheet);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].product_id, 9);
  EXPECT_EQ(lines[0].quantity, -2);
  EXPECT_EQ(lines[1].product_id, 12);
  EXPECT_EQ(lines[1].quantity, 1);
}

TEST(CountSheet, OnlyAnOpenSheetChanges) {
  CountSheet sheet;
  sheet.id = 4;
  EXPECT_NO_THROW(RequireOpen(sheet));
  sheet.status = CountStatus::kPosted;
  try {
    RequireOpen(sheet);
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "inventory.count_not_open");
    EXPECT_EQ(e.status(), 409);
  }
}

TEST(TransferBody, TwoDifferentStoresAndPositiveLines) {
  auto ok = ParseTransferBody(
      boost::json::parse(R"({"from_location_id":2,"to_location_id":4,"lines":[{"product_id":6,"quantity":3}]})"));
  EXPECT_EQ(ok.from_location_id, 2);
  EXPECT_EQ(ok.lines.size(), 1u);
  for (const char* bad : {R"({"from_location_id":2,"to_location_id":2,"lines":[{"product_id":6,"quantity":3}]})",
                          R"({"from_location_id":2,"to_location_id":4,"lines":[{"product_id":6,"quantity":0}]})",
                          R"({"from_location_id":2,"to_location_id":4,"lines":[]})",
                          R"({"to_location_id":4,"lines":[{"product_id":6,"quantity":1}]})"}) {
    EXPECT_THROW(ParseTransferBody(boost::json::parse(bad)), ApiError) << bad;
  }
}

TEST(CountBodies, ProductIdsAndCountedQuantities) {
  auto open = ParseCountOpenBody(boost::json::parse(R"({"location_id":5,"product_ids":[9,12]})"));
  ASSERT_TRUE(open.products);
  EXPECT_EQ(open.products->size(), 2u);
  EXPECT_FALSE(ParseCountOpenBody(boost::json::parse(R"({"location_id":5})")).products);
  EXPECT_THROW(ParseCountOpenBody(boost::json::parse(R"({"location_id":5,"product_ids":[9,9]})")), ApiError);
  EXPECT_THROW(ParseCountOpenBody(boost::json::parse(R"({"location_id":5,"product_ids":[]})")), ApiError);
  EXPECT_EQ(ParseCountLinesBody(boost::json::parse(R"({"lines":[{"product_id":9,"quantity":0}]})")).size(), 1u);
  EXPECT_THROW(ParseCountLinesBody(boost::json::parse(R"({"lines":[{"product_id":9,"quantity":-1}]})")), ApiError);
}

}  // namespace
}  // namespace comptoir::inventory
