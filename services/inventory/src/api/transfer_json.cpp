// JSON of transfers, count sheets and variance reports (ADRs 0171, 0172).
#include <boost/json.hpp>

#include "api/json.hpp"

namespace comptoir::inventory {
namespace {

boost::json::value OrNull(const std::optional<std::string>& s) {
  return s ? boost::json::value(*s) : boost::json::value(nullptr);
}
boost::json::value OrNull(const std::optional<std::int64_t>& n) {
  return n ? boost::json::value(*n) : boost::json::value(nullptr);
}

}  // namespace

boost::json::object ToJson(const Transfer& t) {
  boost::json::object o;
  o["id"] = t.id;
  o["from_location_id"] = t.from_location_id;
  o["to_location_id"] = t.to_location_id;
  o["status"] = RestockStatusName(t.status);
  o["in_transit"] = t.in_transit();
  o["note"] = t.note;
  o["reject_reason"] = OrNull(t.reject_reason);
  o["requested_by"] = t.requested_by;
  o["approved_by"] = OrNull(t.approved_by);
  o["rejected_by"] = OrNull(t.rejected_by);
  o["shipped_by"] = OrNull(t.shipped_by);
  o["received_by"] = OrNull(t.received_by);
  o["created_at"] = t.created_at;
  o["updated_at"] = t.updated_at;
  o["approved_at"] = OrNull(t.approved_at);
  o["rejected_at"] = OrNull(t.rejected_at);
  o["shipped_at"] = OrNull(t.shipped_at);
  o["received_at"] = OrNull(t.received_at);
  boost::json::array lines;
  for (const RestockLine& l : t.lines) {
    lines.push_back(boost::json::object{{"product_id", l.product_id},
                                        {"requested_quantity", l.requested_quantity},
                                        {"approved_quantity", OrNull(l.approved_quantity)}});
  }
  o["lines"] = std::move(lines);
  return o;
}

boost::json::object ToJson(const CountSheet& s) {
  boost::json::object o;
  o["id"] = s.id;
  o["location_id"] = s.location_id;
  o["status"] = CountStatusName(s.status);
  o["note"] = s.note;
  o["opened_by"] = s.opened_by;
  o["posted_by"] = OrNull(s.posted_by);
  o["movement_key"] = OrNull(s.movement_key);
  o["created_at"] = s.created_at;
  o["updated_at"] = s.updated_at;
  o["posted_at"] = OrNull(s.posted_at);
  boost::json::array lines;
  for (const CountLine& l : s.lines) {
    lines.push_back(boost::json::object{{"product_id", l.product_id},
                                        {"on_hand_at_open", l.on_hand_at_open},
                                        {"counted_quantity", OrNull(l.counted)},
                                        {"expected_quantity", OrNull(l.expected)},
                                        {"variance", l.counted ? boost::json::value(l.variance()) : nullptr},
                                        {"counted_at", OrNull(l.counted_at)},
                                        {"unit_price_cents", OrNull(l.unit_price_cents)}});
  }
  o["lines"] = std::move(lines);
  return o;
}

boost::json::object ToJson(const VarianceReport& r, const CountSheet& sheet) {
  boost::json::object o;
  o["count_id"] = sheet.id;
  o["location_id"] = sheet.location_id;
  o["status"] = CountStatusName(sheet.status);
  boost::json::array rows;
  for (const VarianceRow& row : r.rows) {
    rows.push_back(boost::json::object{{"product_id", row.product_id},
                                       {"expected", row.expected},
                                       {"counted", row.counted},
                                       {"variance", row.variance},
                                       {"unit_price_cents", OrNull(row.unit_price_cents)},
                                       {"value_cents", OrNull(row.value_cents)}});
  }
  o["rows"] = std::move(rows);
  boost::json::array not_counted;
  for (std::int64_t id : r.not_counted) not_counted.push_back(id);
  o["not_counted"] = std::move(not_counted);
  o["totals"] = boost::json::object{{"units_over", r.units_over},
                                    {"units_short", r.units_short},
                                    {"net_units", r.net_units},
                                    {"value_over_cents", r.value_over_cents},
                                    {"value_short_cents", r.value_short_cents},
                                    {"net_value_cents", r.net_value_cents}};
  return o;
}

}  // namespace comptoir::inventory
