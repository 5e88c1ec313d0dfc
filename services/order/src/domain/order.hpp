#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>

#include "comptoir/money.hpp"
#include "comptoir/pricing.hpp"

namespace comptoir::order {

/// The logistics centre, where online orders are reserved and shipped from (DESIGN §7).
inline constexpr std::int64_t kCentreLocationId = 6;

/// Shipping rule (ADR 0050): free from 100.00 $ of subtotal (goods before taxes), else 9.99 $. Shipping is
/// part of the taxable supply in Quebec: GST and QST are computed on subtotal + shipping.
inline constexpr std::int64_t kFreeShippingFromCents = 10000;
inline constexpr std::int64_t kShippingFeeCents = 999;

std::int64_t ShippingFor(std::int64_t subtotal_cents) noexcept;

/// One priced line of a checkout or an order (prices from product, never from the cart).
struct Line {
  std::int64_t product_id = 0;
  std::string sku;
  std::string name;
  std::int64_t unit_price_cents = 0;
  std::int64_t quantity = 0;
  money::TaxClass tax_class = money::TaxClass::kTaxable;
  std::int64_t discount_cents = 0;  ///< from the online promotions (ApplyPromotions)
  std::optional<std::int64_t> category_id;
  /// What the line costs before taxes, after its discounts.
  [[nodiscard]] std::int64_t line_total_cents() const noexcept { return unit_price_cents * quantity - discount_cents; }
};

struct Totals {
  std::int64_t subtotal_cents = 0;
  std::int64_t shipping_cents = 0;
  std::int64_t gst_cents = 0;
  std::int64_t qst_cents = 0;
  std::int64_t total_cents = 0;
};

/// Prices the lines with the promotions in force online through the one engine (libs/pricing, ADR 0141):
/// sets each line's discount_cents; returns the promotions that gave something.
std::vector<pricing::AppliedPromotion> ApplyPromotions(std::vector<Line>& lines,
                                                       std::span<const pricing::Promotion> promotions);

/// Subtotal of the lines (after discounts), shipping per the rule, Quebec taxes once on the taxable goods +
/// shipping (ADR 0140: zero-rated and exempt lines pay none; shipping stays taxable as in ADR 0050).
Totals ComputeTotals(const std::vector<Line>& lines);

struct Address {
  std::string line1;
  std::string city;
  std::string province;     ///< "QC"
  std::string postal_code;  ///< normalised "H2X 1Y4"
};

/// A checkout request after validation (the card number is passed to the provider, never stored).
struct CheckoutRequest {
  std::string cart_id;
  Address shipping_address;                ///< as sent, or (with address_id) read from customer before the saga
  std::optional<std::int64_t> address_id;  ///< one of the shopper's saved addresses (customer service)
  std::string card_number;
};

/// Validates `POST /checkout`; every problem at once (400 `request.validation_failed`). Exactly one of
/// `shipping_address` and `address_id` (a saved address, resolved through customer); a province other than
/// QC is refused with 422 `order.shipping_outside_quebec` (only Quebec taxes are implemented).
CheckoutRequest ParseCheckoutBody(const boost::json::value& body);

/// True when `number` is 12 to 19 digits and passes the Luhn check (checked before anything is reserved;
/// the provider checks again).
bool LuhnValid(std::string_view number) noexcept;

/// A saved address as customer answers it (`GET /api/v1/customers/me/addresses/{id}`), checked like a
/// shipping_address (422 `order.shipping_outside_quebec` outside Quebec).
Address AddressFromCustomer(const boost::json::value& saved);

// ---------------------------------------------------------------------------------------------------------------
// The checkout saga. Each step is recorded in `checkouts` BEFORE it is attempted (the "-ing" steps) and after it
// succeeded; recovery reads the step to know what may have happened.
enum class Step {
  kStarted,       ///< row created; the cart is being read and priced (nothing done elsewhere)
  kReserving,     ///< reservation asked (outcome unknown until kReserved)
  kReserved,      ///< reservation id known
  kCharging,      ///< charge asked (outcome unknown until kCharged)
  kCharged,       ///< charge id known
  kOrderCreated,  ///< order (status paid) and OrderPlaced written in one transaction
  kCommitted,     ///< reservation committed (stock left the centre)
  kCompleted,     ///< cart emptied (or its emptying given up): done
  kCompensating,  ///< undoing: refund any charge, release the reservation
  kFailed,        ///< undone; the stored answer says why
};

std::string_view StepName(Step step) noexcept;
std::optional<Step> ParseStep(std::string_view name) noexcept;
/// True for kCompleted and kFailed.
bool IsTerminal(Step step) noexcept;
/// The forward transitions and the move to compensation: what the saga may record after `from`.
bool CanAdvance(Step from, Step to) noexcept;

/// What recovery does with a checkout found in `step` (left by a crash, or a compensation that could not finish).
enum class Recovery {
  kNothing,     ///< terminal
  kCompensate,  ///< undo (nothing paid, or payment outcome unknown)
  kComplete,    ///< carry on forward (the shopper has paid)
};
Recovery RecoveryFor(Step step) noexcept;

// ---------------------------------------------------------------------------------------------------------------
// Order statuses: paid → preparing → shipped → delivered; cancelled from paid or preparing.
enum class Status { kPaid, kPreparing, kShipped, kDelivered, kCancelled };
std::string_view StatusName(Status status) noexcept;
std::optional<Status> ParseStatus(std::string_view name) noexcept;
/// Staff status changes (`POST /orders/{id}/status`): only one step along paid → preparing → shipped → delivered.
bool CanChangeStatus(Status from, Status to) noexcept;
/// Preparing and shipping take the order's goods off the shelves: only once its reservation has been committed
/// (the stock has left the centre's books), never while it is only reserved (409 `order.stock_not_committed`).
bool NeedsCommittedStock(Status to) noexcept;
/// Cancellation: while paid or preparing (shopper and staff alike).
bool CanCancel(Status from) noexcept;

/// `C-` + the order's sequence number on 6 digits, e.g. C-000042.
std::string OrderNumber(std::int64_t sequence);

}  // namespace comptoir::order
