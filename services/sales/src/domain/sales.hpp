#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "comptoir/error.hpp"
#include "comptoir/money.hpp"
#include "comptoir/pricing.hpp"

/// Rules of in-store sales, returns and cash-register sessions: pricing, Quebec taxes, tenders, cash
/// rounding and change, cumulative refunds, register over/short. No I/O; taxes and cash rounding come
/// from libs/core money.hpp so that sales, cart and order agree to the cent.
namespace comptoir::sales {

inline constexpr std::int64_t kMaxQuantity = 10'000;
inline constexpr std::int64_t kMaxAmountCents = 100'000'000;  // 1 000 000,00 $ per tender
inline constexpr std::size_t kMaxLines = 200;
inline constexpr std::size_t kMaxPayments = 20;
inline constexpr std::size_t kMaxReasonLength = 500;
inline constexpr std::size_t kMaxRegisterLength = 50;
inline constexpr std::size_t kMaxGiftCardCodeLength = 64;
inline constexpr std::int64_t kDefaultPerPage = 20;
inline constexpr std::int64_t kMaxPerPage = 100;
inline constexpr std::int64_t kMaxPage = 1'000'000;

/// A way to pay (and to refund).
enum class Tender { kCash, kCard, kDebit, kGiftCard };
std::string_view TenderName(Tender tender) noexcept;
std::optional<Tender> ParseTender(std::string_view text) noexcept;

/// A line as the cashier scans it: a product id or a SKU, and a quantity ≥ 1.
struct LineRequest {
  std::optional<std::int64_t> product_id;
  std::optional<std::string> sku;
  std::optional<std::string> barcode;  ///< as scanned: EAN-13 or UPC-A, maybe price-embedded (ADR 0170)
  std::int64_t quantity = 1;
  /// The cashier's line discount (ADR 0141): percent or amount, optionally on some units of the line.
  std::optional<pricing::LineDiscount> discount;
};

/// A tender of a sale (also how it is recorded and answered).
struct Payment {
  Tender method = Tender::kCash;
  std::int64_t amount_cents = 0;
  /// gift_card only: the canonical code in a request; masked ("GC-****-****-****-XXXC") once recorded.
  std::optional<std::string> gift_card_code;
  std::optional<std::string> gift_card_pin;  ///< gift_card requests only: never stored, never answered
  std::optional<std::int64_t> gift_card_id;  ///< recorded gift_card tenders: the card debited
  std::int64_t refunded_cents = 0;           ///< recorded non-cash tenders: refunded on it so far
};

/// A gift card sold, activated or topped up as a line of a sale (ADR 0152): not taxable.
struct GiftCardLoad {
  std::string gift_card_code;  ///< canonical in a request; masked once recorded
  std::int64_t amount_cents = 0;
  std::optional<std::int64_t> gift_card_id;  ///< recorded loads
  std::string kind;                          ///< recorded: "activation" (the card's first load) | "top_up"
  std::int64_t balance_cents = 0;            ///< recorded: the card's balance after the load
  std::size_t line_index = 0;                ///< its place in the request's `lines` (errors name it)
};

/// A validated POST /sales body.
struct SaleRequest {
  std::int64_t location_id = 0;
  std::vector<LineRequest> lines;
  std::vector<GiftCardLoad> gift_cards;  ///< lines `{gift_card_code, amount_cents}`
  std::vector<Payment> payments;
  std::optional<std::int64_t> customer_id;
  std::optional<std::int64_t> register_session_id;
  /// Made by a till while the platform was unreachable, replayed from its journal (ADR 0090): short
  /// stock is recorded on the lines instead of refusing the sale, and `occurred_at` is the sale's time.
  bool offline = false;
  std::optional<std::string> occurred_at;  ///< RFC 3339 UTC, required when offline
};

/// What sales needs of a catalogue product (from the product service).
struct Product {
  std::int64_t id = 0;
  std::string sku;
  std::string name;
  std::int64_t price_cents = 0;
  bool active = true;
  std::optional<std::int64_t> category_id;
  money::TaxClass tax_class = money::TaxClass::kTaxable;
  /// Priced by a price-embedded barcode (ADR 0170): price_cents is the label's.
  bool price_embedded = false;
};

/// A priced line of a sale.
struct SaleLine {
  std::int64_t product_id = 0;
  std::string sku;
  std::string name;
  std::int64_t unit_price_cents = 0;
  std::int64_t quantity = 0;
  /// What the line costs before taxes, after its discounts (ADR 0141): gross_cents − discount_cents.
  std::int64_t line_total_cents = 0;
  std::int64_t returned_quantity = 0;
  /// Units sold offline beyond the store's stock (ADR 0090): they left the store but not the ledger.
  std::int64_t short_quantity = 0;
  money::TaxClass tax_class = money::TaxClass::kTaxable;
  std::int64_t gross_cents = 0;  ///< unit price × quantity (0 on lines built without pricing: = line total)
  std::int64_t discount_cents = 0;
  std::vector<pricing::Adjustment> adjustments;
  std::optional<pricing::LineDiscount> line_discount;  ///< the cashier's discount as asked
};

/// Pre-tax subtotal (after discounts), GST, QST and total; the subtotal per tax class (ADR 0140) and the
/// discounts it is net of.
struct Totals {
  std::int64_t subtotal_cents = 0;
  std::int64_t gst_cents = 0;
  std::int64_t qst_cents = 0;
  std::int64_t total_cents = 0;
  std::int64_t discount_cents = 0;
  money::ClassAmounts by_class;
};

/// How the tenders settle the total.
struct Settlement {
  std::int64_t non_cash_cents = 0;       ///< card + debit + gift card
  std::int64_t cash_tendered_cents = 0;  ///< sum of the cash tenders
  std::int64_t cash_due_cents = 0;       ///< the cash part of the total, rounded to 0.05 $
  std::int64_t cash_rounding_cents = 0;  ///< cash_due − the exact cash part (may be negative)
  std::int64_t change_cents = 0;         ///< cash tendered − cash due (≥ 0)
  /// Cash that stays in the drawer: tendered − change = cash due.
  [[nodiscard]] std::int64_t cash_taken_cents() const noexcept { return cash_tendered_cents - change_cents; }
};

/// A recorded sale (the receipt).
struct Sale {
  std::int64_t id = 0;
  std::string receipt_number;
  std::int64_t location_id = 0;
  std::string cashier_id;
  std::optional<std::int64_t> customer_id;
  std::optional<std::int64_t> register_session_id;
  std::vector<SaleLine> lines;
  Totals totals;
  std::int64_t cash_rounding_cents = 0;
  std::vector<Payment> payments;
  std::int64_t change_cents = 0;
  std::int64_t cash_taken_cents = 0;  ///< cash that stayed in the drawer (tendered − change)
  /// Refunded so far by its returns (those in progress included): subtotal, GST, QST, total.
  Totals refunded;
  std::int64_t cash_refunded_cents = 0;  ///< exact part of the refunds taken from the sale's cash
  std::int64_t cash_paid_out_cents = 0;  ///< cash handed back for it (rounded to 0.05 $, ≤ cash taken)
  bool offline = false;  ///< replayed from a till's offline journal (ADR 0090)
  /// Gift cards loaded by the sale (not taxable, outside the subtotal; in the total and the tenders).
  std::vector<GiftCardLoad> gift_card_loads;
  std::int64_t gift_card_cents = 0;  ///< Σ of the loads
  /// An offline sale replayed after its register session closed (ADR 0151): outside that session's Z.
  bool after_close = false;
  std::string created_at;
  std::vector<pricing::AppliedPromotion> promotions;  ///< automatic promotions that gave something
  std::optional<std::string> discount_approved_by;    ///< the manager who approved a discount above the limit
};

/// A line of a return request.
struct ReturnLineRequest {
  std::int64_t product_id = 0;
  std::int64_t quantity = 0;
};

/// A validated POST /sales/{id}/returns body.
struct ReturnRequest {
  std::vector<ReturnLineRequest> lines;
  std::string reason;
  /// `refund_method: "cash"`: everything back in cash, whatever paid (a manager's approval for the part
  /// paid otherwise). Absent or "original": back to the tenders that paid (ADR 0031).
  bool in_cash = false;
  std::optional<std::int64_t> register_session_id;
};

/// The part of a refund that goes back through one tender of the sale.
struct TenderRefund {
  int payment_line_no = 0;             ///< the sale's payment (1-based, as recorded)
  Tender method = Tender::kCash;       ///< how the sale was paid
  Tender refunded_as = Tender::kCash;  ///< the same, or cash with a manager's approval
  std::int64_t amount_cents = 0;       ///< exact share of the refund
  /// What goes back: the amount, or — refunded in cash — cash rounded to 0.05 $ (for the sale's own cash,
  /// rounded cumulatively: every return's cash so far is paid rounded, never more than was taken).
  std::int64_t paid_cents = 0;
  std::optional<std::int64_t> gift_card_id;
  std::optional<std::string> gift_card_code;  ///< masked
};

/// What a return refunds (positive amounts).
struct Refund {
  std::vector<SaleLine> lines;  ///< returned lines (quantity = returned now; returned_quantity unused)
  Totals totals;
  std::vector<TenderRefund> tenders;     ///< how `totals.total_cents` goes back, tender by tender
  std::int64_t cash_paid_cents = 0;      ///< cash handed out: Σ paid_cents of the parts refunded in cash
  std::int64_t cash_rounding_cents = 0;  ///< cash handed out − the exact amounts refunded in cash
};

/// A recorded return.
struct SaleReturn {
  std::int64_t id = 0;
  std::int64_t sale_id = 0;
  std::int64_t location_id = 0;
  std::string cashier_id;
  std::optional<std::int64_t> register_session_id;
  std::string reason;
  /// The tender everything went back to ("card", "cash", …), or "mixed".
  std::string refund_method = "cash";
  Refund refund;
  std::optional<std::string> approved_by;  ///< the manager who approved cash for a non-cash tender
  std::string created_at;
};

/// A cash-register session.
struct RegisterSession {
  std::int64_t id = 0;
  std::int64_t location_id = 0;
  std::string register_name;
  bool open = true;
  std::int64_t opening_float_cents = 0;
  std::string opened_by;
  std::string opened_at;
  std::optional<std::int64_t> counted_cash_cents;
  std::optional<std::int64_t> expected_cash_cents;
  std::optional<std::int64_t> over_short_cents;
  std::optional<std::string> closed_by;
  std::optional<std::string> closed_at;
  std::optional<std::int64_t> z_number;  ///< closed sessions: the number of their Z report
};

/// Taxes (money::QuebecTaxes) and total of a pre-tax subtotal, all of it taxable.
Totals TotalsOf(std::int64_t subtotal_cents) noexcept;
/// Taxes and total of pre-tax amounts per class (ADR 0140).
Totals TotalsOf(const money::ClassAmounts& amounts) noexcept;

/// A scanned line resolved against the catalogue.
struct Scanned {
  Product product;
  std::int64_t quantity = 0;
  std::optional<pricing::LineDiscount> discount;
  std::size_t request_index = 0;  ///< where it was in the request (for error fields)
};

/// A sale priced by the engine (libs/pricing): its lines, totals and the promotions that applied.
struct PricedSale {
  std::vector<SaleLine> lines;
  Totals totals;
  std::vector<pricing::AppliedPromotion> promotions;
  /// Lines whose cashier's discount is above the limit (indexes into `lines`).
  std::vector<std::size_t> above_limit;
};

/// Merges scans of one product (quantities summed; at most one of them may carry a discount: 400
/// otherwise), prices them with `promotions` (ADR 0141) and flags discounts above `limit_percent`.
PricedSale PriceSale(std::span<const Scanned> scanned, std::span<const pricing::Promotion> promotions,
                     std::int64_t limit_percent);

/// Prices resolved lines: one line per product (a product scanned twice is merged into its first
/// line, quantities summed), line total = the sum of what each scan costs — unit price × quantity, or for
/// weighed pieces (ADR 0170) the sum of their labels, the unit price then their average rounded half-up.
std::vector<SaleLine> PriceLines(std::span<const std::pair<Product, std::int64_t>> scanned);
/// Totals of priced lines: line totals summed per tax class, then taxes once (ADR 0140).
Totals TotalsOfLines(std::span<const SaleLine> lines) noexcept;

/// Settles `total_cents` with `payments`: non-cash tenders may not exceed the total (422
/// `sales.overpayment`); the rest is due in cash, rounded to 0.05 $ (money::RoundToNickel) when cash is
/// tendered; less than due → 422 `sales.insufficient_payment`; change = cash tendered − cash due.
Settlement Settle(std::int64_t total_cents, std::span<const Payment> payments);

/// The tender a return without refund needs (nothing to give back) is shown as: the sale's first non-cash
/// tender, else cash.
Tender DefaultRefundMethod(std::span<const Payment> payments) noexcept;

/// Computes a return against the sale: its lines (with their returned quantities so far) and what its
/// returns refunded so far (`sale.refunded`). A product not in the sale → 422 `sales.product_not_in_sale`;
/// more than sold minus returned → 409 `sales.return_exceeds_sold`. Taxes are cumulative: taxes(returned
/// subtotal before + now) − taxes already refunded, within what the sale collected, so that returning
/// everything refunds exactly the sale's GST and QST. Lines of one product are merged. Then the refund is
/// split over the sale's tenders (AllocateRefund).
Refund ComputeRefund(const Sale& sale, std::span<const ReturnLineRequest> lines, bool in_cash);

/// Splits `refund_cents` over the tenders that paid the sale, in this order: card and debit, then gift
/// cards (each in payment order), then cash last; each tender takes at most what it paid minus what was
/// refunded on it. The sale's own cash is paid out rounded cumulatively — after this return, the cash
/// handed back for the sale is RoundToNickel(exact cash refunded so far) — so it never exceeds the cash
/// taken and a full return gives back exactly that. `in_cash`: the non-cash parts are paid in cash too,
/// each rounded to 0.05 $ (the caller requires a manager's approval for them). 409
/// `sales.refund_exceeds_payments` if the tenders cannot cover it (cannot happen with ComputeRefund).
std::vector<TenderRefund> AllocateRefund(const Sale& sale, std::int64_t refund_cents, bool in_cash);

/// True when some part of the refund is paid in cash although the sale paid it otherwise.
bool NeedsManagerApproval(const Refund& refund) noexcept;

/// The refund method a return shows: the one tender everything went back to, or "mixed".
std::string RefundMethodOf(const Refund& refund, std::span<const Payment> payments);

/// Adds a return to the sale's counters (returned quantities, refunded amounts per tender and in cash), or
/// takes it away again (`sign` −1: a return undone). The storage layer applies the same deltas in SQL.
void ApplyRefund(Sale& sale, const Refund& refund, int sign = 1);

/// Cash expected in the drawer at close: float + cash taken by the session's sales − cash refunded.
std::int64_t ExpectedCash(std::int64_t opening_float_cents, std::int64_t cash_taken_cents,
                          std::int64_t cash_refunded_cents) noexcept;

/// "S4-000042": per-store receipt number.
std::string ReceiptNumber(std::int64_t location_id, std::int64_t number);

/// Page of a list: `page` ≥ 1, 1 ≤ `per_page` ≤ 100.
struct Page {
  std::int64_t page = 1;
  std::int64_t per_page = kDefaultPerPage;
  [[nodiscard]] std::int64_t Offset() const noexcept { return (page - 1) * per_page; }
};

using QueryParams = std::vector<std::pair<std::string, std::string>>;

/// Filter of GET /sales. `from` and `to` are RFC 3339 instants or dates (a `to` date includes that
/// whole UTC day): `from_at` is inclusive, `to_before` exclusive, `to_at` inclusive.
struct SaleQuery {
  std::optional<std::int64_t> location_id;
  std::optional<std::string> cashier_id;
  std::optional<std::string> from_at;
  std::optional<std::string> to_at;
  std::optional<std::string> to_before;
  bool short_stock = false;  ///< only sales with a line sold beyond the stock (`short_stock=true`)
  Page page;
};
/// Parses GET /sales parameters; 400 `sales.invalid_query` naming every offending parameter.
SaleQuery ParseSaleQuery(const QueryParams& params);

/// Filter of GET /register-sessions.
struct SessionQuery {
  std::optional<std::int64_t> location_id;
  std::optional<bool> open;  ///< status=open|closed
  Page page;
};
SessionQuery ParseSessionQuery(const QueryParams& params);

/// Stock found at the store for a product (from inventory).
struct StockLevel {
  std::int64_t product_id = 0;
  std::int64_t available = 0;
};

/// Splits each line of an offline sale into what the store's stock covers and the shortfall
/// (`short_quantity`), given what inventory has (a product it does not list has none). ADR 0090.
void MarkShortLines(std::vector<SaleLine>& lines, const std::vector<StockLevel>& stock);

/// The lines that move stock: quantity − short_quantity, lines fully short left out.
std::vector<SaleLine> CoveredLines(const std::vector<SaleLine>& lines);

/// Checks the `occurred_at` of an offline sale against `now_unix` (seconds): an RFC 3339 UTC instant
/// ("…Z") no later than 5 minutes ahead and no earlier than 30 days ago. The error names the field.
std::optional<std::string> OccurredAtProblem(std::string_view occurred_at, std::int64_t now_unix);

/// A time bound for PostgreSQL: an RFC 3339 instant as given, or a date as midnight UTC (`next_day`:
/// midnight UTC of the day after). nullopt when `text` is neither.
std::optional<std::string> ParseTimeBound(std::string_view text, bool next_day);

/// Parses a positive decimal id ("12"); nullopt for anything else.
std::optional<std::int64_t> ParseId(std::string_view text);

}  // namespace comptoir::sales
