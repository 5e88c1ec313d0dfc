#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "comptoir/error.hpp"

/// Stock rules: reasons of movements and the sign of their lines, restock request life cycle, approval
/// limits, pagination, the demo quantities. No I/O here; storage and api call these functions.
namespace comptoir::inventory {

inline constexpr std::int64_t kCentreLocationId = 6;  ///< the Anjou logistics centre (DESIGN §7)
inline constexpr std::size_t kMaxLines = 100;
inline constexpr std::int64_t kMaxQuantity = 1'000'000;
inline constexpr std::size_t kReferenceMaxLength = 200;
inline constexpr std::size_t kNoteMaxLength = 1000;
inline constexpr std::int64_t kDefaultPerPage = 20;
inline constexpr std::int64_t kMaxPerPage = 100;
inline constexpr std::int64_t kMaxPage = 1'000'000;

/// Why on_hand changed. Clients post sale and return (the sales service only), adjustment (logistics, manager,
/// admin) and order_return (the order service: a cancelled online order's stock back at the centre); the others
/// are made by the service itself.
enum class Reason { kSale, kReturn, kAdjustment, kTransferOut, kTransferIn, kOrder, kReversal, kOrderReturn };

std::string_view ReasonName(Reason reason) noexcept;
std::optional<Reason> ParseReason(std::string_view name) noexcept;
/// True for the reasons a client may post to /inventory/movements.
bool IsClientReason(Reason reason) noexcept;
/// Why stock was adjusted by hand (issue 12): every adjustment names one, with a note, and the adjustments
/// report (GET /inventory/adjustments) totals them. `initial_stock` marks the demo seed and cannot be posted.
inline constexpr std::string_view kAdjustmentReasons[] = {
    "count_correction", "damaged", "theft_or_loss", "found", "expired", "return_to_vendor", "internal_use", "other"};
/// True for a code of kAdjustmentReasons.
bool IsAdjustmentReason(std::string_view code) noexcept;

/// Why `quantity` cannot be a line of a movement of `reason` (sale < 0, return > 0, adjustment != 0,
/// |q| <= kMaxQuantity), or nullopt.
std::optional<std::string> LineProblem(Reason reason, std::int64_t quantity);

/// One line of a movement, a reservation or a restock request.
struct Line {
  std::int64_t product_id = 0;
  std::int64_t quantity = 0;
};

/// Lines sorted by product id: stock rows are always locked in this order, so that two transactions
/// touching the same products cannot deadlock.
std::vector<Line> SortedByProduct(std::vector<Line> lines);
/// The lines with every quantity negated (a reversal).
std::vector<Line> Opposite(const std::vector<Line>& lines);

/// Who did it: the token's subject and role ("system" for the sweep and the seed); for a service calling as
/// itself, the person it acted for (its X-Comptoir-On-Behalf-Of, audit only; empty when none).
struct Actor {
  std::string subject;
  std::string role;
  std::string on_behalf_of;
};

/// A location (DESIGN §7).
struct Location {
  std::int64_t id = 0;
  std::string code;
  std::string name;
  std::string type;  ///< store | logistics | head_office
  std::string address;
  std::string city;
};

/// Stock of one product at one location.
struct StockLevel {
  std::int64_t location_id = 0;
  std::int64_t product_id = 0;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  std::int64_t reorder_point = 0;
  [[nodiscard]] std::int64_t available() const noexcept { return on_hand - reserved; }
  [[nodiscard]] bool low() const noexcept { return available() <= reorder_point; }
};

/// What a shopper or an anonymous caller sees of stock (ADR 0051): a level per location, and at the logistics centre
/// (the stock the shop sells) the available quantity up to a cap — never on hand, reserved nor reorder points.
enum class Availability { kInStock, kLowStock, kOutOfStock };
std::string_view AvailabilityName(Availability availability) noexcept;

struct PublicStockRules {
  std::int64_t low_threshold = 5;    ///< inventory.public_low_threshold: 1..this available is "low_stock"
  std::int64_t available_cap = 999;  ///< inventory.public_available_cap: the centre's available shown up to this
};
/// out_of_stock at 0 or below, low_stock up to `low_threshold`, else in_stock (reorder points play no part).
Availability AvailabilityOf(std::int64_t available, const PublicStockRules& rules) noexcept;
/// The centre's available as the public sees it: between 0 and the cap.
std::int64_t PublicAvailable(std::int64_t available, const PublicStockRules& rules) noexcept;

/// One ledger row.
struct Movement {
  std::int64_t id = 0;
  std::string idempotency_key;
  std::int64_t location_id = 0;
  std::int64_t product_id = 0;
  std::int64_t quantity = 0;
  std::string reason;
  std::string reference;
  std::string note;
  std::optional<std::string> adjustment_reason;  ///< adjustments only
  Actor actor;
  std::int64_t on_hand_after = 0;
  std::string created_at;
};

/// What a client posts to /inventory/movements.
struct MovementRequest {
  std::int64_t location_id = 0;
  Reason reason = Reason::kSale;
  std::string reference;
  std::string note;
  std::optional<std::string> adjustment_reason;  ///< required for an adjustment (kAdjustmentReasons), else absent
  std::vector<Line> lines;
};

/// The answer of POST /inventory/movements and of its reverse.
struct MovementGroup {
  std::string key;
  std::int64_t location_id = 0;
  std::string reason;
  std::string reference;
  bool reversed = false;
  std::vector<Movement> movements;
};

/// A product short of stock: what was asked, what is available.
struct Shortage {
  std::int64_t product_id = 0;
  std::int64_t requested = 0;
  std::int64_t available = 0;
};

/// 409 `inventory.insufficient_stock` naming every short product.
ApiError InsufficientStock(std::int64_t location_id, const std::vector<Shortage>& shortages);

/// Status of a restock request: requested -> approved | rejected; approved -> shipped -> received.
enum class RestockStatus { kRequested, kApproved, kRejected, kShipped, kReceived };
std::string_view RestockStatusName(RestockStatus status) noexcept;
std::optional<RestockStatus> ParseRestockStatus(std::string_view name) noexcept;
/// The status a request must be in for `to` to be reached.
RestockStatus RequiredBefore(RestockStatus to) noexcept;
/// Throws 409 `inventory.illegal_transition` unless `from` -> `to` is a step of the life cycle.
void CheckTransition(std::int64_t request_id, RestockStatus from, RestockStatus to);
/// The same for another thing with this life cycle (`what`: "transfer").
void CheckTransition(std::string_view what, std::int64_t id, RestockStatus from, RestockStatus to);

struct RestockLine {
  std::int64_t product_id = 0;
  std::int64_t requested_quantity = 0;
  std::optional<std::int64_t> approved_quantity;
};

struct RestockRequest {
  std::int64_t id = 0;
  std::int64_t location_id = 0;
  RestockStatus status = RestockStatus::kRequested;
  std::string note;
  std::optional<std::string> reject_reason;
  std::string requested_by;
  std::optional<std::string> approved_by, rejected_by, shipped_by, received_by;
  std::string created_at, updated_at;
  std::optional<std::string> approved_at, rejected_at, shipped_at, received_at;
  std::vector<RestockLine> lines;
};

/// The approved quantity of each requested line (same order): the quantity given in `approved`, 0 for a
/// requested line that `approved` does not name. Throws 422 `inventory.unknown_request_line` for a
/// product that was not requested and 422 `inventory.approval_exceeds_request` for more than requested.
std::vector<std::int64_t> ApprovedQuantities(const std::vector<RestockLine>& requested,
                                             const std::vector<Line>& approved);

/// Status of a reservation.
struct Reservation {
  std::string id;
  std::string status;  ///< active | committed | released | expired
  std::int64_t location_id = 0;
  std::string reference;
  std::string expires_at;
  std::string created_at;
  Actor actor;
  std::vector<Line> lines;
};

/// Page of a list: `page` >= 1, 1 <= `per_page` <= 100.
struct Page {
  std::int64_t page = 1;
  std::int64_t per_page = kDefaultPerPage;
  [[nodiscard]] std::int64_t Offset() const noexcept { return (page - 1) * per_page; }
};

/// One page of a list and the number of rows across all pages.
template <class T>
struct ListPage {
  std::vector<T> items;
  std::int64_t total = 0;
};

using QueryParams = std::vector<std::pair<std::string, std::string>>;

/// Query of GET /inventory and /inventory/alerts.
struct StockQuery {
  std::optional<std::int64_t> location_id;
  std::optional<std::int64_t> product_id;
  bool low_stock = false;
  Page page;
};
/// Query of GET /inventory/movements.
struct MovementQuery {
  std::optional<std::int64_t> location_id;
  std::optional<std::int64_t> product_id;
  std::optional<std::string> reason;
  std::optional<std::string> reference;
  Page page;
};
/// Query of GET /restock-requests.
struct RestockQuery {
  std::optional<std::int64_t> location_id;
  std::optional<RestockStatus> status;
  Page page;
};

/// Parsers of the list queries; throw 400 `inventory.invalid_query` naming every offending parameter.
/// Unknown parameters are ignored.
StockQuery ParseStockQuery(const QueryParams& params);
MovementQuery ParseMovementQuery(const QueryParams& params);
RestockQuery ParseRestockQuery(const QueryParams& params);
Page ParsePage(const QueryParams& params);

/// Parses a positive decimal id ("12"); nullopt for anything else (signs, spaces, overflow, zero).
std::optional<std::int64_t> ParseId(std::string_view text);

/// Demo stock of DESIGN §7 (same formula as sql/seed/demo.sql): 100 at the centre, 10–40 at stores,
/// none at head office.
std::int64_t DemoQuantity(std::int64_t location_id, std::int64_t product_id) noexcept;

}  // namespace comptoir::inventory
