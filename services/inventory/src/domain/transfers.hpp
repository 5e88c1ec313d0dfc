#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/stock.hpp"

/// Store-to-store transfers (ADR 0171) and cycle counts (ADR 0172). No I/O here.
namespace comptoir::inventory {

/// A transfer has the life cycle of a restock request (RestockStatus): requested → approved | rejected,
/// approved → shipped → received. Its stock leaves the source at ship (transfer_out) and arrives at receive
/// (transfer_in); in between it is in transit, on neither location's on_hand.
struct Transfer {
  std::int64_t id = 0;
  std::int64_t from_location_id = 0;
  std::int64_t to_location_id = 0;
  RestockStatus status = RestockStatus::kRequested;
  std::string note;
  std::optional<std::string> reject_reason;
  std::string requested_by;
  std::optional<std::string> approved_by, rejected_by, shipped_by, received_by;
  std::string created_at, updated_at;
  std::optional<std::string> approved_at, rejected_at, shipped_at, received_at;
  std::vector<RestockLine> lines;
  [[nodiscard]] bool in_transit() const noexcept { return status == RestockStatus::kShipped; }
};

/// What a store asks for: products of `from` (a store) brought to `to` (another store).
struct TransferRequest {
  std::int64_t from_location_id = 0;
  std::int64_t to_location_id = 0;
  std::string note;
  std::vector<Line> lines;
};

/// Query of GET /inventory/transfers: `location_id` matches either end.
struct TransferQuery {
  std::optional<std::int64_t> location_id;
  std::optional<RestockStatus> status;
  Page page;
};
TransferQuery ParseTransferQuery(const QueryParams& params);

/// Status of a count sheet: open → posted | cancelled.
enum class CountStatus { kOpen, kPosted, kCancelled };
std::string_view CountStatusName(CountStatus status) noexcept;
std::optional<CountStatus> ParseCountStatus(std::string_view name) noexcept;

/// One product of a count sheet. `expected` is on_hand when its count was entered (ADR 0172): what the shelf
/// should have held at that moment; the variance is counted − expected, posted as a delta to the live on_hand.
struct CountLine {
  std::int64_t product_id = 0;
  std::int64_t on_hand_at_open = 0;              ///< for information: on_hand when the sheet was opened
  std::optional<std::int64_t> counted;           ///< nullopt: not counted yet (never adjusted)
  std::optional<std::int64_t> expected;          ///< on_hand when `counted` was entered
  std::optional<std::string> counted_at;         ///< RFC 3339
  std::optional<std::int64_t> unit_price_cents;  ///< the catalogue's price at posting (the variance's value)
  [[nodiscard]] std::int64_t variance() const noexcept { return counted && expected ? *counted - *expected : 0; }
};

struct CountSheet {
  std::int64_t id = 0;
  std::int64_t location_id = 0;
  CountStatus status = CountStatus::kOpen;
  std::string note;
  std::string opened_by;
  std::optional<std::string> posted_by;
  std::optional<std::string> movement_key;  ///< the adjustment group written at posting (`count:<id>`)
  std::string created_at, updated_at;
  std::optional<std::string> posted_at;
  std::vector<CountLine> lines;
};

/// The variance report of a sheet: per counted product expected vs counted and the value of the difference,
/// and the totals (units and cents; shrinkage is the negative part).
struct VarianceRow {
  std::int64_t product_id = 0;
  std::int64_t expected = 0;
  std::int64_t counted = 0;
  std::int64_t variance = 0;
  std::optional<std::int64_t> unit_price_cents;
  std::optional<std::int64_t> value_cents;
};
struct VarianceReport {
  std::vector<VarianceRow> rows;
  std::vector<std::int64_t> not_counted;  ///< products of the sheet never counted (not adjusted)
  std::int64_t units_over = 0, units_short = 0, net_units = 0;
  std::int64_t value_over_cents = 0, value_short_cents = 0, net_value_cents = 0;
};
VarianceReport VarianceOf(const CountSheet& sheet);

/// The adjustment lines a posting writes: counted − expected for every counted line where it is not 0.
std::vector<Line> CountAdjustments(const CountSheet& sheet);

/// Throws 409 `inventory.count_not_open` unless the sheet is open.
void RequireOpen(const CountSheet& sheet);

struct CountQuery {
  std::optional<std::int64_t> location_id;
  std::optional<CountStatus> status;
  Page page;
};
CountQuery ParseCountQuery(const QueryParams& params);

}  // namespace comptoir::inventory
