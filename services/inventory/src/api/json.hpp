#pragma once
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "domain/adjustments.hpp"
#include "domain/stock.hpp"
#include "domain/transfers.hpp"

namespace comptoir::inventory {

boost::json::object ToJson(const Location& location);
/// {location_id, product_id, on_hand, reserved, available, reorder_point}
boost::json::object ToJson(const StockLevel& level);
/// A stock row as shoppers and anonymous callers see it (ADR 0051): location, product, `availability`, and at the
/// centre `available` up to the cap.
boost::json::object ToPublicJson(const StockLevel& level, const PublicStockRules& rules);
/// {id, key, location_id, product_id, quantity, reason, reference, note, actor {subject, role}, on_hand_after,
/// created_at}
boost::json::object ToJson(const Movement& movement);
/// {key, location_id, reason, reference, reversed, movements}
boost::json::object ToJson(const MovementGroup& group);
/// {id, status, location_id, reference, expires_at, created_at, lines}
boost::json::object ToJson(const Reservation& reservation);
boost::json::object ToJson(const RestockRequest& request);
/// The adjustments report: `{period: {from, to, time_zone}, data: [{location_id, adjustment_reason, lines,
/// reversals, units_in, units_out, net_units}], by_reason: [...], by_location: [...], totals: {...}}`.
boost::json::object ToJson(const AdjustmentSummary& summary, const AdjustmentQuery& query,
                           const std::string& time_zone);
/// `{"data": [...], "meta": {"page", "per_page", "total"}}`.
std::string ListJson(const boost::json::array& data, const Page& page, std::int64_t total);

/// Bodies; each throws 400 `inventory.invalid` listing every offending field (nothing is changed).
MovementRequest ParseMovementBody(const boost::json::value& body);
struct ReservationBody {
  std::int64_t location_id = 0;
  std::string reference;
  std::vector<Line> lines;
};
ReservationBody ParseReservationBody(const boost::json::value& body);
struct RestockBody {
  std::int64_t location_id = 0;
  std::string note;
  std::vector<Line> lines;
};
RestockBody ParseRestockBody(const boost::json::value& body);
/// {lines: [{product_id, quantity >= 0}]}
std::vector<Line> ParseApprovalBody(const boost::json::value& body);
/// {reason}
std::string ParseRejectBody(const boost::json::value& body);
struct ReorderBody {
  std::int64_t location_id = 0;
  std::int64_t product_id = 0;
  std::int64_t reorder_point = 0;
};
ReorderBody ParseReorderBody(const boost::json::value& body);

/// Transfers and counts (ADRs 0171, 0172): bodies (400 `inventory.invalid` as above) and answers.
/// {from_location_id, to_location_id (another), note?, lines: [{product_id, quantity > 0}]}
TransferRequest ParseTransferBody(const boost::json::value& body);
struct CountOpenBody {
  std::int64_t location_id = 0;
  std::optional<std::vector<std::int64_t>> products;  ///< product_ids; absent: every product stocked there
  std::string note;
};
CountOpenBody ParseCountOpenBody(const boost::json::value& body);
/// {lines: [{product_id, quantity >= 0 (the units counted)}]}
std::vector<Line> ParseCountLinesBody(const boost::json::value& body);
boost::json::object ToJson(const Transfer& transfer);
boost::json::object ToJson(const CountSheet& sheet);
/// {count_id, location_id, status, rows: [{product_id, expected, counted, variance, unit_price_cents,
/// value_cents}], not_counted: [product ids], totals: {units_over, units_short, net_units, value_over_cents,
/// value_short_cents, net_value_cents}}
boost::json::object ToJson(const VarianceReport& report, const CountSheet& sheet);

}  // namespace comptoir::inventory
