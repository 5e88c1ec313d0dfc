#include "api/json.hpp"

#include <set>

#include <boost/json.hpp>

#include "comptoir/json.hpp"

namespace comptoir::inventory {
namespace {

constexpr const char* kInvalid = "inventory.invalid";

/// What a line's quantity may be.
enum class QuantityRule { kMovement, kPositive, kNonNegative };

// Reads `lines` of `body` into `out`, recording problems in `reader` (fields "lines[i].x").
std::vector<Line> ReadLines(const boost::json::value& body, json::ObjectReader& reader, QuantityRule rule,
                            std::optional<Reason> reason, bool allow_empty) {
  std::vector<Line> out;
  const auto* object = body.if_object();
  if (object == nullptr) return out;
  const auto* lines = object->if_contains("lines");
  if (lines == nullptr) {
    reader.Fail("lines", "is required");
    return out;
  }
  if (!lines->is_array()) {
    reader.Fail("lines", "must be an array");
    return out;
  }
  const auto& array = lines->as_array();
  if ((array.empty() && !allow_empty) || array.size() > kMaxLines) {
    reader.Fail("lines",
                "must have " + std::string(allow_empty ? "0" : "1") + " to " + std::to_string(kMaxLines) + " lines");
    return out;
  }
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < array.size(); ++i) {
    std::string prefix = "lines[" + std::to_string(i) + "]";
    json::ObjectReader line(array[i], prefix + ".");
    auto product_id = line.Int("product_id", true, 1);
    std::optional<std::int64_t> quantity;
    switch (rule) {
      case QuantityRule::kMovement:
        quantity = line.Int("quantity", true);
        // With an unknown reason the sign cannot be checked, but 0 and the range can (every field at once).
        if (quantity) {
          if (auto problem = LineProblem(reason.value_or(Reason::kAdjustment), *quantity)) {
            line.Fail("quantity", *problem);
            quantity.reset();
          }
        }
        break;
      case QuantityRule::kPositive:
        quantity = line.Int("quantity", true, 1, kMaxQuantity);
        break;
      case QuantityRule::kNonNegative:
        quantity = line.Int("quantity", true, 0, kMaxQuantity);
        break;
    }
    line.RejectUnknown({"product_id", "quantity"});
    if (product_id && !seen.insert(*product_id).second) line.Fail("product_id", "appears in more than one line");
    for (const auto& e : line.errors()) reader.Fail(e.field.substr(0), e.message);
    if (line.ok() && product_id && quantity) out.push_back(Line{*product_id, *quantity});
  }
  return out;
}

void PutLines(boost::json::object& o, const std::vector<Line>& lines) {
  boost::json::array array;
  for (const Line& l : lines)
    array.push_back(boost::json::object{{"product_id", l.product_id}, {"quantity", l.quantity}});
  o["lines"] = std::move(array);
}

boost::json::value OrNull(const std::optional<std::string>& s) {
  if (s) return boost::json::value(*s);
  return nullptr;
}

}  // namespace

boost::json::object ToJson(const Location& l) {
  return {{"id", l.id}, {"code", l.code}, {"name", l.name}, {"type", l.type}, {"address", l.address}, {"city", l.city}};
}

boost::json::object ToJson(const StockLevel& s) {
  return {{"location_id", s.location_id}, {"product_id", s.product_id}, {"on_hand", s.on_hand},
          {"reserved", s.reserved},       {"available", s.available()}, {"reorder_point", s.reorder_point}};
}

boost::json::object ToPublicJson(const StockLevel& s, const PublicStockRules& rules) {
  boost::json::object o{{"location_id", s.location_id},
                        {"product_id", s.product_id},
                        {"availability", AvailabilityName(AvailabilityOf(s.available(), rules))}};
  if (s.location_id == kCentreLocationId) o["available"] = PublicAvailable(s.available(), rules);
  return o;
}

boost::json::object ToJson(const Movement& m) {
  boost::json::object o;
  o["id"] = m.id;
  o["key"] = m.idempotency_key;
  o["location_id"] = m.location_id;
  o["product_id"] = m.product_id;
  o["quantity"] = m.quantity;
  o["reason"] = m.reason;
  o["reference"] = m.reference;
  o["note"] = m.note;
  o["adjustment_reason"] = m.adjustment_reason ? boost::json::value(*m.adjustment_reason) : boost::json::value(nullptr);
  boost::json::object actor{{"subject", m.actor.subject}, {"role", m.actor.role}};
  actor["on_behalf_of"] =
      m.actor.on_behalf_of.empty() ? boost::json::value(nullptr) : boost::json::value(m.actor.on_behalf_of);
  o["actor"] = std::move(actor);
  o["on_hand_after"] = m.on_hand_after;
  o["created_at"] = m.created_at;
  return o;
}

namespace {
boost::json::object TotalsJson(const AdjustmentTotals& t) {
  boost::json::object o;
  if (t.location_id) o["location_id"] = *t.location_id;
  if (t.adjustment_reason) o["adjustment_reason"] = *t.adjustment_reason;
  o["lines"] = t.lines;
  o["reversals"] = t.reversals;
  o["units_in"] = t.units_in;
  o["units_out"] = t.units_out;
  o["net_units"] = t.net_units();
  return o;
}
boost::json::array TotalsArray(const std::vector<AdjustmentTotals>& rows) {
  boost::json::array out;
  for (const auto& r : rows) out.push_back(TotalsJson(r));
  return out;
}
}  // namespace

boost::json::object ToJson(const AdjustmentSummary& summary, const AdjustmentQuery& query,
                           const std::string& time_zone) {
  return {{"period", boost::json::object{{"from", query.from}, {"to", query.to}, {"time_zone", time_zone}}},
          {"data", TotalsArray(summary.rows)},
          {"by_reason", TotalsArray(summary.by_reason)},
          {"by_location", TotalsArray(summary.by_location)},
          {"totals", TotalsJson(summary.totals)}};
}

boost::json::object ToJson(const MovementGroup& g) {
  boost::json::object o;
  o["key"] = g.key;
  if (g.location_id > 0) {
    o["location_id"] = g.location_id;
  } else {
    o["location_id"] = nullptr;
  }
  o["reason"] = g.reason.empty() ? boost::json::value(nullptr) : boost::json::value(g.reason);
  o["reference"] = g.reference;
  o["reversed"] = g.reversed;
  boost::json::array movements;
  for (const Movement& m : g.movements) movements.push_back(ToJson(m));
  o["movements"] = std::move(movements);
  return o;
}

boost::json::object ToJson(const Reservation& r) {
  boost::json::object o;
  o["id"] = r.id;
  o["status"] = r.status;
  o["location_id"] = r.location_id;
  o["reference"] = r.reference;
  o["expires_at"] = r.expires_at;
  o["created_at"] = r.created_at;
  PutLines(o, r.lines);
  return o;
}

boost::json::object ToJson(const RestockRequest& r) {
  boost::json::object o;
  o["id"] = r.id;
  o["location_id"] = r.location_id;
  o["status"] = RestockStatusName(r.status);
  o["note"] = r.note;
  o["reject_reason"] = OrNull(r.reject_reason);
  o["requested_by"] = r.requested_by;
  o["approved_by"] = OrNull(r.approved_by);
  o["rejected_by"] = OrNull(r.rejected_by);
  o["shipped_by"] = OrNull(r.shipped_by);
  o["received_by"] = OrNull(r.received_by);
  o["created_at"] = r.created_at;
  o["updated_at"] = r.updated_at;
  o["approved_at"] = OrNull(r.approved_at);
  o["rejected_at"] = OrNull(r.rejected_at);
  o["shipped_at"] = OrNull(r.shipped_at);
  o["received_at"] = OrNull(r.received_at);
  boost::json::array lines;
  for (const RestockLine& l : r.lines) {
    boost::json::object line{{"product_id", l.product_id}, {"requested_quantity", l.requested_quantity}};
    line["approved_quantity"] = l.approved_quantity ? boost::json::value(*l.approved_quantity) : nullptr;
    lines.push_back(std::move(line));
  }
  o["lines"] = std::move(lines);
  return o;
}

std::string ListJson(const boost::json::array& data, const Page& page, std::int64_t total) {
  boost::json::object o;
  o["data"] = data;
  o["meta"] = boost::json::object{{"page", page.page}, {"per_page", page.per_page}, {"total", total}};
  return boost::json::serialize(o);
}

MovementRequest ParseMovementBody(const boost::json::value& body) {
  json::ObjectReader reader(body);
  MovementRequest request;
  auto location_id = reader.Int("location_id", true, 1);
  auto reason_text = reader.String("reason", true, 1, 40);
  std::optional<Reason> reason;
  if (reason_text) {
    reason = ParseReason(*reason_text);
    if (!reason || !IsClientReason(*reason)) {
      reader.Fail("reason", "must be one of sale, return, adjustment, order_return");
      reason.reset();
    }
  }
  auto reference = reader.String("reference", false, 0, kReferenceMaxLength);
  bool adjustment = reason == Reason::kAdjustment;
  // An adjustment says why (an enumerated code) and how (a note): the adjustments report is read by an auditor.
  auto note = reader.String("note", adjustment, adjustment ? 1 : 0, kNoteMaxLength);
  auto adjustment_reason = reader.String("adjustment_reason", adjustment, 1, 40);
  if (adjustment_reason && !adjustment) {
    reader.Fail("adjustment_reason", "only an adjustment has an adjustment_reason");
  } else if (adjustment_reason && !IsAdjustmentReason(*adjustment_reason)) {
    std::string codes;
    for (std::string_view code : kAdjustmentReasons) codes += (codes.empty() ? "" : ", ") + std::string(code);
    reader.Fail("adjustment_reason", "must be one of " + codes);
  }
  request.lines = ReadLines(body, reader, QuantityRule::kMovement, reason, false);
  reader.RejectUnknown({"location_id", "reason", "reference", "note", "adjustment_reason", "lines"});
  reader.ThrowIfErrors(kInvalid);
  request.location_id = *location_id;
  request.reason = *reason;
  request.reference = reference.value_or("");
  request.note = note.value_or("");
  request.adjustment_reason = adjustment_reason;
  return request;
}

ReservationBody ParseReservationBody(const boost::json::value& body) {
  json::ObjectReader reader(body);
  auto location_id = reader.Int("location_id", true, 1);
  auto reference = reader.String("reference", true, 1, kReferenceMaxLength);
  ReservationBody out;
  out.lines = ReadLines(body, reader, QuantityRule::kPositive, std::nullopt, false);
  reader.RejectUnknown({"location_id", "reference", "lines"});
  reader.ThrowIfErrors(kInvalid);
  out.location_id = *location_id;
  out.reference = *reference;
  return out;
}

RestockBody ParseRestockBody(const boost::json::value& body) {
  json::ObjectReader reader(body);
  auto location_id = reader.Int("location_id", true, 1);
  auto note = reader.String("note", false, 0, kNoteMaxLength);
  RestockBody out;
  out.lines = ReadLines(body, reader, QuantityRule::kPositive, std::nullopt, false);
  reader.RejectUnknown({"location_id", "note", "lines"});
  reader.ThrowIfErrors(kInvalid);
  out.location_id = *location_id;
  out.note = note.value_or("");
  return out;
}

std::vector<Line> ParseApprovalBody(const boost::json::value& body) {
  json::ObjectReader reader(body);
  std::vector<Line> lines = ReadLines(body, reader, QuantityRule::kNonNegative, std::nullopt, true);
  reader.RejectUnknown({"lines"});
  reader.ThrowIfErrors(kInvalid);
  return lines;
}

std::string ParseRejectBody(const boost::json::value& body) {
  json::ObjectReader reader(body);
  auto reason = reader.String("reason", true, 1, kNoteMaxLength);
  reader.RejectUnknown({"reason"});
  reader.ThrowIfErrors(kInvalid);
  return *reason;
}

ReorderBody ParseReorderBody(const boost::json::value& body) {
  json::ObjectReader reader(body);
  auto location_id = reader.Int("location_id", true, 1);
  auto product_id = reader.Int("product_id", true, 1);
  auto reorder_point = reader.Int("reorder_point", true, 0, kMaxQuantity);
  reader.RejectUnknown({"location_id", "product_id", "reorder_point"});
  reader.ThrowIfErrors(kInvalid);
  return ReorderBody{*location_id, *product_id, *reorder_point};
}

TransferRequest ParseTransferBody(const boost::json::value& body) {
  json::ObjectReader reader(body);
  auto from = reader.Int("from_location_id", true, 1);
  auto to = reader.Int("to_location_id", true, 1);
  auto note = reader.String("note", false, 0, kNoteMaxLength);
  TransferRequest out;
  out.lines = ReadLines(body, reader, QuantityRule::kPositive, std::nullopt, false);
  reader.RejectUnknown({"from_location_id", "to_location_id", "note", "lines"});
  if (from && to && *from == *to) reader.Fail("to_location_id", "must differ from from_location_id");
  reader.ThrowIfErrors(kInvalid);
  out.from_location_id = *from;
  out.to_location_id = *to;
  out.note = note.value_or("");
  return out;
}

CountOpenBody ParseCountOpenBody(const boost::json::value& body) {
  json::ObjectReader reader(body);
  auto location_id = reader.Int("location_id", true, 1);
  auto note = reader.String("note", false, 0, kNoteMaxLength);
  reader.RejectUnknown({"location_id", "product_ids", "note"});
  CountOpenBody out;
  if (const auto* object = body.if_object()) {
    if (const auto* ids = object->if_contains("product_ids"); ids && !ids->is_null()) {
      if (!ids->is_array() || ids->as_array().empty() || ids->as_array().size() > kMaxLines) {
        reader.Fail("product_ids", "must be an array of 1 to " + std::to_string(kMaxLines) + " product ids");
      } else {
        std::vector<std::int64_t> products;
        std::set<std::int64_t> seen;
        for (std::size_t i = 0; i < ids->as_array().size(); ++i) {
          const auto& id = ids->as_array()[i];
          std::string field = "product_ids[" + std::to_string(i) + "]";
          if (!id.is_int64() || id.as_int64() < 1) {
            reader.Fail(field, "must be a product id (integer >= 1)");
          } else if (!seen.insert(id.as_int64()).second) {
            reader.Fail(field, "appears twice");
          } else {
            products.push_back(id.as_int64());
          }
        }
        out.products = std::move(products);
      }
    }
  }
  reader.ThrowIfErrors(kInvalid);
  out.location_id = *location_id;
  out.note = note.value_or("");
  return out;
}

std::vector<Line> ParseCountLinesBody(const boost::json::value& body) {
  json::ObjectReader reader(body);
  std::vector<Line> lines = ReadLines(body, reader, QuantityRule::kNonNegative, std::nullopt, false);
  reader.RejectUnknown({"lines"});
  reader.ThrowIfErrors(kInvalid);
  return lines;
}

}  // namespace comptoir::inventory
