#include "domain/stock.hpp"

#include <algorithm>
#include <charconv>
#include <map>

#include "domain/transfers.hpp"

namespace comptoir::inventory {
namespace {

constexpr std::pair<Reason, std::string_view> kReasons[] = {
    {Reason::kSale, "sale"},
    {Reason::kReturn, "return"},
    {Reason::kAdjustment, "adjustment"},
    {Reason::kTransferOut, "transfer_out"},
    {Reason::kTransferIn, "transfer_in"},
    {Reason::kOrder, "order"},
    {Reason::kReversal, "reversal"},
    {Reason::kOrderReturn, "order_return"},
};

constexpr std::pair<RestockStatus, std::string_view> kStatuses[] = {
    {RestockStatus::kRequested, "requested"}, {RestockStatus::kApproved, "approved"},
    {RestockStatus::kRejected, "rejected"},   {RestockStatus::kShipped, "shipped"},
    {RestockStatus::kReceived, "received"},
};

std::optional<std::int64_t> IntParam(const std::string& key, const std::string& value, std::int64_t min,
                                     std::int64_t max, std::vector<FieldError>& errors) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n < min || n > max) {
    errors.push_back({key, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max)});
    return std::nullopt;
  }
  return n;
}

std::optional<std::int64_t> IdParam(const std::string& key, const std::string& value, std::vector<FieldError>& errors) {
  auto id = ParseId(value);
  if (!id) errors.push_back({key, "must be a positive integer id"});
  return id;
}

Page ParsePageInto(const QueryParams& params, std::vector<FieldError>& errors) {
  Page page;
  for (const auto& [key, value] : params) {
    if (key == "page") {
      if (auto n = IntParam(key, value, 1, kMaxPage, errors)) page.page = *n;
    } else if (key == "per_page") {
      if (auto n = IntParam(key, value, 1, kMaxPerPage, errors)) page.per_page = *n;
    }
  }
  return page;
}

void ThrowIfAny(std::vector<FieldError>& errors) {
  if (!errors.empty()) throw ApiError::Validation("inventory.invalid_query", "invalid query parameters", errors);
}

}  // namespace

std::string_view AvailabilityName(Availability availability) noexcept {
  switch (availability) {
    case Availability::kInStock:
      return "in_stock";
    case Availability::kLowStock:
      return "low_stock";
    case Availability::kOutOfStock:
      return "out_of_stock";
  }
  return "out_of_stock";
}

Availability AvailabilityOf(std::int64_t available, const PublicStockRules& rules) noexcept {
  if (available <= 0) return Availability::kOutOfStock;
  if (available <= rules.low_threshold) return Availability::kLowStock;
  return Availability::kInStock;
}

std::int64_t PublicAvailable(std::int64_t available, const PublicStockRules& rules) noexcept {
  return std::clamp<std::int64_t>(available, 0, rules.available_cap);
}

std::string_view ReasonName(Reason reason) noexcept {
  for (const auto& [r, name] : kReasons) {
    if (r == reason) return name;
  }
  return "sale";
}

std::optional<Reason> ParseReason(std::string_view name) noexcept {
  for (const auto& [r, n] : kReasons) {
    if (n == name) return r;
  }
  return std::nullopt;
}

bool IsClientReason(Reason reason) noexcept {
  return reason == Reason::kSale || reason == Reason::kReturn || reason == Reason::kAdjustment ||
         reason == Reason::kOrderReturn;
}

bool IsAdjustmentReason(std::string_view code) noexcept {
  return std::find(std::begin(kAdjustmentReasons), std::end(kAdjustmentReasons), code) != std::end(kAdjustmentReasons);
}

std::optional<std::string> LineProblem(Reason reason, std::int64_t quantity) {
  if (quantity < -kMaxQuantity || quantity > kMaxQuantity) {
    return "must be between -" + std::to_string(kMaxQuantity) + " and " + std::to_string(kMaxQuantity);
  }
  switch (reason) {
    case Reason::kSale:
      if (quantity >= 0) return std::string("a sale takes stock: the quantity must be negative");
      break;
    case Reason::kReturn:
      if (quantity <= 0) return std::string("a return brings stock back: the quantity must be positive");
      break;
    case Reason::kOrderReturn:
      if (quantity <= 0) return std::string("an order return brings stock back: the quantity must be positive");
      break;
    default:
      if (quantity == 0) return std::string("must not be 0");
  }
  return std::nullopt;
}

std::vector<Line> SortedByProduct(std::vector<Line> lines) {
  std::sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) { return a.product_id < b.product_id; });
  return lines;
}

std::vector<Line> Opposite(const std::vector<Line>& lines) {
  std::vector<Line> out = lines;
  for (Line& line : out) line.quantity = -line.quantity;
  return out;
}

ApiError InsufficientStock(std::int64_t location_id, const std::vector<Shortage>& shortages) {
  std::string detail = "not enough stock at location " + std::to_string(location_id) + " for ";
  std::vector<FieldError> fields;
  for (std::size_t i = 0; i < shortages.size(); ++i) {
    const Shortage& s = shortages[i];
    std::string what = "product " + std::to_string(s.product_id) + " (asked " + std::to_string(s.requested) +
                       ", available " + std::to_string(s.available) + ")";
    detail += (i == 0 ? "" : ", ") + what;
    fields.push_back({"product_id:" + std::to_string(s.product_id), what});
  }
  detail += "; nothing was changed";
  return ApiError(ErrorKind::kConflict, "inventory.insufficient_stock", detail, std::move(fields));
}

std::string_view RestockStatusName(RestockStatus status) noexcept {
  for (const auto& [s, name] : kStatuses) {
    if (s == status) return name;
  }
  return "requested";
}

std::optional<RestockStatus> ParseRestockStatus(std::string_view name) noexcept {
  for (const auto& [s, n] : kStatuses) {
    if (n == name) return s;
  }
  return std::nullopt;
}

RestockStatus RequiredBefore(RestockStatus to) noexcept {
  switch (to) {
    case RestockStatus::kApproved:
    case RestockStatus::kRejected:
      return RestockStatus::kRequested;
    case RestockStatus::kShipped:
      return RestockStatus::kApproved;
    case RestockStatus::kReceived:
      return RestockStatus::kShipped;
    case RestockStatus::kRequested:
      break;
  }
  return RestockStatus::kRequested;
}

void CheckTransition(std::int64_t request_id, RestockStatus from, RestockStatus to) {
  CheckTransition("restock request", request_id, from, to);
}

void CheckTransition(std::string_view what, std::int64_t request_id, RestockStatus from, RestockStatus to) {
  if (to == RestockStatus::kRequested || RequiredBefore(to) != from) {
    throw ApiError::Conflict("inventory.illegal_transition",
                             std::string(what) + " " + std::to_string(request_id) + " is " +
                                 std::string(RestockStatusName(from)) + ": it cannot become " +
                                 std::string(RestockStatusName(to)) + " (it must be " +
                                 std::string(RestockStatusName(RequiredBefore(to))) + "); nothing was changed");
  }
}

std::vector<std::int64_t> ApprovedQuantities(const std::vector<RestockLine>& requested,
                                             const std::vector<Line>& approved) {
  std::map<std::int64_t, std::size_t> index;
  for (std::size_t i = 0; i < requested.size(); ++i) index[requested[i].product_id] = i;
  std::vector<std::int64_t> out(requested.size(), 0);
  std::vector<FieldError> unknown, exceeding;
  for (std::size_t i = 0; i < approved.size(); ++i) {
    const Line& line = approved[i];
    std::string field = "lines[" + std::to_string(i) + "].quantity";
    auto it = index.find(line.product_id);
    if (it == index.end()) {
      unknown.push_back({"lines[" + std::to_string(i) + "].product_id",
                         "product " + std::to_string(line.product_id) + " was not requested"});
      continue;
    }
    const RestockLine& asked = requested[it->second];
    if (line.quantity > asked.requested_quantity) {
      exceeding.push_back({field, "at most " + std::to_string(asked.requested_quantity) + " (requested)"});
      continue;
    }
    out[it->second] = line.quantity;
  }
  if (!unknown.empty()) {
    throw ApiError(ErrorKind::kUnprocessable, "inventory.unknown_request_line",
                   "the approval names products that were not requested", std::move(unknown));
  }
  if (!exceeding.empty()) {
    throw ApiError(ErrorKind::kUnprocessable, "inventory.approval_exceeds_request",
                   "an approved quantity exceeds the requested quantity", std::move(exceeding));
  }
  return out;
}

Page ParsePage(const QueryParams& params) {
  std::vector<FieldError> errors;
  Page page = ParsePageInto(params, errors);
  ThrowIfAny(errors);
  return page;
}

StockQuery ParseStockQuery(const QueryParams& params) {
  std::vector<FieldError> errors;
  StockQuery query;
  query.page = ParsePageInto(params, errors);
  for (const auto& [key, value] : params) {
    if (key == "location_id") {
      query.location_id = IdParam(key, value, errors);
    } else if (key == "product_id") {
      query.product_id = IdParam(key, value, errors);
    } else if (key == "low_stock") {
      if (value == "true") {
        query.low_stock = true;
      } else if (value == "false") {
        query.low_stock = false;
      } else {
        errors.push_back({key, "must be true or false"});
      }
    }
  }
  ThrowIfAny(errors);
  return query;
}

MovementQuery ParseMovementQuery(const QueryParams& params) {
  std::vector<FieldError> errors;
  MovementQuery query;
  query.page = ParsePageInto(params, errors);
  for (const auto& [key, value] : params) {
    if (key == "location_id") {
      query.location_id = IdParam(key, value, errors);
    } else if (key == "product_id") {
      query.product_id = IdParam(key, value, errors);
    } else if (key == "reason") {
      if (ParseReason(value)) {
        query.reason = value;
      } else {
        errors.push_back(
            {key, "must be one of sale, return, adjustment, transfer_out, transfer_in, order, reversal, order_return"});
      }
    } else if (key == "reference") {
      if (value.empty() || value.size() > kReferenceMaxLength) {
        errors.push_back({key, "must have 1 to " + std::to_string(kReferenceMaxLength) + " characters"});
      } else {
        query.reference = value;
      }
    }
  }
  ThrowIfAny(errors);
  return query;
}

RestockQuery ParseRestockQuery(const QueryParams& params) {
  std::vector<FieldError> errors;
  RestockQuery query;
  query.page = ParsePageInto(params, errors);
  for (const auto& [key, value] : params) {
    if (key == "location_id") {
      query.location_id = IdParam(key, value, errors);
    } else if (key == "status") {
      query.status = ParseRestockStatus(value);
      if (!query.status) errors.push_back({key, "must be one of requested, approved, rejected, shipped, received"});
    }
  }
  ThrowIfAny(errors);
  return query;
}

TransferQuery ParseTransferQuery(const QueryParams& params) {
  RestockQuery q = ParseRestockQuery(params);  // the same parameters: location_id (either end here), status
  return TransferQuery{q.location_id, q.status, q.page};
}

CountQuery ParseCountQuery(const QueryParams& params) {
  std::vector<FieldError> errors;
  CountQuery query;
  query.page = ParsePageInto(params, errors);
  for (const auto& [key, value] : params) {
    if (key == "location_id") {
      query.location_id = IdParam(key, value, errors);
    } else if (key == "status") {
      query.status = ParseCountStatus(value);
      if (!query.status) errors.push_back({key, "must be one of open, posted, cancelled"});
    }
  }
  ThrowIfAny(errors);
  return query;
}

std::optional<std::int64_t> ParseId(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n <= 0) return std::nullopt;
  return n;
}

std::int64_t DemoQuantity(std::int64_t location_id, std::int64_t product_id) noexcept {
  if (location_id == kCentreLocationId) return 100;
  if (location_id < 1 || location_id > 5 || product_id < 1 || product_id > 18) return 0;
  return 10 + ((location_id * 7 + product_id * 11) % 31);
}

}  // namespace comptoir::inventory
